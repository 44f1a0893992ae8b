package main

// Tests of web/js/mfm.js, the demo's MFM parser and renderer:
//
//   - TestMFMCasesVendored: web/testdata/mfm-cases.json holds every input of
//     mfm.js's own parser tests.
//   - TestMFMDifferential: mfm.js and mfm-js 0.26.0 (pinned, from npm) parse
//     those inputs, thousands of generated ones and every prefix of every
//     emoji sequence into the same trees (Node.js, web/testdata/mfm-diff.mjs).
//   - TestMFMRender: the renderer in headless Chromium, under the demo's CSP.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/misskey-wasm/misskey-wasm/web/internal/npmtools"
)

// mfmAllowedDifferences are the inputs on which mfm.js may deliberately
// give another tree than mfm-js, each with the reason. There are none: any
// difference fails TestMFMDifferential.
var mfmAllowedDifferences = map[string]string{}

// The vendored cases: mfm.js's test/parser.ts has 160 tests, with 164
// parser calls and one test whose input is never asserted.
const (
	mfmVendoredCases     = 165
	mfmVendoredSimple    = 9
	mfmVendoredNestLimit = 14
)

type mfmCase struct {
	Name      string `json:"name"`
	Fn        string `json:"fn"`
	Input     string `json:"input"`
	NestLimit *int   `json:"nestLimit,omitempty"`
}

func mfmReadCases(t *testing.T) []mfmCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "mfm-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Count int       `json:"count"`
		Cases []mfmCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatalf("mfm-cases.json: %v", err)
	}
	if file.Count != len(file.Cases) {
		t.Fatalf("mfm-cases.json says %d cases and holds %d", file.Count, len(file.Cases))
	}
	return file.Cases
}

func TestMFMCasesVendored(t *testing.T) {
	cases := mfmReadCases(t)
	var simple, limited int
	inputs := map[string]bool{}
	for _, c := range cases {
		switch c.Fn {
		case "parse":
		case "parseSimple":
			simple++
		default:
			t.Errorf("case %q: unknown function %q", c.Name, c.Fn)
		}
		if c.NestLimit != nil {
			limited++
		}
		if c.Name == "" {
			t.Errorf("a case without a name: %q", c.Input)
		}
		inputs[c.Input] = true
	}
	if len(cases) != mfmVendoredCases || simple != mfmVendoredSimple || limited != mfmVendoredNestLimit {
		t.Errorf("%d cases (%d parseSimple, %d with nestLimit), want %d (%d, %d)",
			len(cases), simple, limited, mfmVendoredCases, mfmVendoredSimple, mfmVendoredNestLimit)
	}
	// A few from each end of the upstream file and from its odd corners.
	for _, in := range []string{
		"abc", "At 10:30:", "foo **bar** baz", "> abc", "MFM 書き方 123 [検索]", "```\naaa```bbb\n```",
		"@bsky.brid.gy@bsky.brid.gy", "(#123)", "<https://大石泉すき.example.com>", "[test](http://..)",
		"official instance: [**[https://misskey.io/@ai](https://misskey.io/@ai)**](https://misskey.io/@ai).",
		"<b><b>$[a b]</b></b>", "before\n<center>\nHello $[tada everynyan! 🎉]\n\nI'm @ai, A bot of misskey!\n\nhttps://github.com/syuilo/ai\n</center>\nafter",
	} {
		if !inputs[in] {
			t.Errorf("mfm-cases.json lacks %q", in)
		}
	}
}

// mfmNeedNode finds Node.js 20 or later. Without it the test is skipped,
// loudly, except in CI (CI=true), where it fails.
func mfmNeedNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	var major int
	if err == nil {
		var out []byte
		out, err = exec.Command(node, "--version").Output()
		if err == nil {
			_, err = fmt.Sscanf(strings.TrimSpace(string(out)), "v%d", &major)
		}
	}
	if err == nil && major >= 20 {
		return node
	}
	why := fmt.Sprintf("needs Node.js 20 or later (apt-get install -y nodejs): found major version %d (%v)", major, err)
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: %s ***\n\n", t.Name(), why)
	t.Skip(why)
	return ""
}

type mfmFuzzInput struct {
	Input     string `json:"input"`
	NestLimit *int   `json:"nestLimit,omitempty"`
}

// mfmTokens are the pieces random MFM is made of: every syntax's marks, and
// text of all kinds around them.
var mfmTokens = []string{
	"**", "__", "~~", "***", "*", "_", "~", "<b>", "</b>", "<i>", "</i>", "<s>", "</s>", "<small>", "</small>",
	"<center>", "</center>", "<plain>", "</plain>", "$[", "]", "[", "](", "?[", ")", "(", "`", "```", "´",
	`\(`, `\)`, `\[`, `\]`, ">", "> ", ">>", "@", "#", ":", "http://", "https://", "<", "<https://", "<http://",
	"\n", "\n", "\n\n", "\r\n", "\r", " ", " ", " ", "  ", "\t", "\u3000",
	".", ",", "!", "?", "'", `"`, "/", "-", "=", "+", "%", "&", "$", "\\", ";",
	"「", "」", "（", "）", "【", "】", "、", "。",
	"😇", "🎉", "#️⃣", "*️⃣", "1️⃣", "❤️", "❤", "\u2764\ufe0e", "👍🏽", "🏳️‍🌈", "👨‍👩‍👧", "🇯🇵", "🫠", "\ufe0f", "\ufe0e",
	"\u200d", "\U0001f3fb", "☺", "©", "™", "\ue50a",
	"検索", "search", "Search", "[search]", "[検索]", "あいう", "漢字", "한국어", "Ünïcödé",
	"abc", "XYZ", "a", "b", "z", "foo", "bar", "0", "1", "42", "2024",
	"tada", "spin", "x2", "fg", "bg", "position", "scale", "ruby", "unixtime", "font", "blur", "flip",
	".speed=1s", ".color=f00", ".x=-3,y=2", ".left", ".h,v", ".deg=45", "=",
	"misskey.io", "example.com", "ai", "@ai", "@ai@misskey.io", "@a.b-", ":smile:", ":a+b-c_d:", "a.b", "x-y", "_x_",
}

// mfmFuzzCorpus makes n random MFM documents, the same for the same seed:
// token soup, documents grown from the grammar (some left unclosed), and a
// few long ones. Every fourth has a small nesting limit.
func mfmFuzzCorpus(seed uint64, n int) []mfmFuzzInput {
	r := rand.New(rand.NewPCG(seed, 0x6d666d))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	randRune := func() string {
		switch r.IntN(5) {
		case 0:
			return string(rune(0x21 + r.IntN(0x5e))) // ASCII
		case 1:
			return string(rune(0x3040 + r.IntN(0x60))) // hiragana
		case 2:
			return string(rune(0x4e00 + r.IntN(0x5000))) // CJK
		case 3:
			return string(rune(0x1f300 + r.IntN(0x300))) // emoji blocks
		default:
			return string(rune(0x2190 + r.IntN(0x200))) // arrows, symbols, dingbats
		}
	}
	soup := func(tokens int) string {
		var b strings.Builder
		for range tokens {
			if r.IntN(6) == 0 {
				b.WriteString(randRune())
			} else {
				b.WriteString(pick(mfmTokens))
			}
		}
		return b.String()
	}
	var grow func(depth int) string
	grow = func(depth int) string {
		inner := func() string {
			if depth <= 0 || r.IntN(3) == 0 {
				return soup(1 + r.IntN(4))
			}
			var b strings.Builder
			for range 1 + r.IntN(3) {
				b.WriteString(grow(depth - 1))
			}
			return b.String()
		}
		wrap := func(open, close string) string {
			s := open + inner()
			if r.IntN(8) != 0 { // sometimes left unclosed
				s += close
			}
			return s
		}
		switch r.IntN(24) {
		case 0:
			return wrap("**", "**")
		case 1:
			return wrap("<b>", "</b>")
		case 2:
			return wrap("<i>", "</i>")
		case 3:
			return wrap("<small>", "</small>")
		case 4:
			return wrap("~~", "~~")
		case 5:
			return wrap("<s>", "</s>")
		case 6:
			return wrap("***", "***")
		case 7:
			fns := []string{"tada", "jelly", "spin.x,speed=2s", "fg.color=f00", "bg.color=0f0", "x2", "ruby", "position.x=1", "flip.h", "unknown", "font.serif", "border.style=dashed,width=2"}
			return wrap("$["+pick(fns)+" ", "]")
		case 8:
			return wrap(pick([]string{"[", "?["}), "]("+pick([]string{"https://example.com/a", "<https://example.com/b c>", "http://x.y/(z)", "javascript:x"})+")")
		case 9:
			return pick([]string{"https://misskey.io/@ai", "http://example.com/foo(bar).", "<https://例え.jp/パス>", "https://a.b/c?d=e&f=g#h,"})
		case 10:
			return wrap("`", "`")
		case 11:
			return wrap(`\(`, `\)`)
		case 12:
			return pick([]string{"@ai", "@ai@misskey.io", "@a-b.c@host.example.", "@.x", "mail@example.com"})
		case 13:
			return "#" + pick([]string{"tag", "タグ", "foo(bar)", "a[b]c", "123", "x「y」"})
		case 14:
			return ":" + pick([]string{"smile", "blob_cat", "a+b", "x-y"}) + ":"
		case 15:
			return "\n> " + inner() + "\n"
		case 16:
			return wrap("\n```"+pick([]string{"", "js", " go "})+"\n", "\n```\n")
		case 17:
			return wrap("\n<center>", "</center>\n")
		case 18:
			return wrap("\n\\[", "\\]\n")
		case 19:
			return "\n" + soup(1+r.IntN(3)) + pick([]string{" search", " 検索", " [Search]"}) + "\n"
		case 20:
			return wrap("<plain>", "</plain>")
		case 21:
			return wrap("__", "__")
		default:
			return soup(1 + r.IntN(5))
		}
	}
	out := make([]mfmFuzzInput, 0, n)
	for k := range n {
		var s string
		switch {
		case k%125 == 124: // a long one, 2,000 to 6,000 characters
			var b strings.Builder
			for want := 2000 + r.IntN(4000); b.Len() < want; {
				b.WriteString(grow(4))
			}
			s = b.String()
		case k%2 == 0:
			s = soup(1 + r.IntN(30))
		default:
			s = grow(1 + r.IntN(5))
		}
		in := mfmFuzzInput{Input: s}
		if k%4 == 3 {
			limit := 1 + r.IntN(5)
			in.NestLimit = &limit
		}
		out = append(out, in)
	}
	return out
}

func TestMFMFuzzCorpusDeterministic(t *testing.T) {
	a, b := mfmFuzzCorpus(1, 300), mfmFuzzCorpus(1, 300)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the same seed gave two corpora")
	}
	if c, _ := json.Marshal(mfmFuzzCorpus(2, 300)); bytes.Equal(ja, c) {
		t.Fatal("two seeds gave the same corpus")
	}
	distinct := map[string]bool{}
	for _, in := range a {
		distinct[in.Input] = true
	}
	if len(distinct) < 250 {
		t.Errorf("only %d distinct inputs in 300", len(distinct))
	}
}

const (
	mfmFuzzSeed  = 20251101
	mfmFuzzCount = 5000
)

type mfmDiffReport struct {
	MFMJS       string `json:"mfmjs"`
	EmojiData   string `json:"emojiData"`
	Cases       int    `json:"cases"`
	Fuzz        int    `json:"fuzz"`
	EmojiProbes int    `json:"emojiProbes"`
	Runs        int    `json:"runs"`
	EmojiTable  string `json:"emojiPattern"`
	Timings     struct {
		Chars   int     `json:"chars"`
		MFMJSMs float64 `json:"mfmjsMs"`
		MineMs  float64 `json:"mineMs"`
	} `json:"timings"`
	Differences []struct {
		Kind      string          `json:"kind"`
		Fn        string          `json:"fn"`
		Input     string          `json:"input"`
		NestLimit *int            `json:"nestLimit"`
		Want      json.RawMessage `json:"want"`
		Got       json.RawMessage `json:"got"`
	} `json:"differences"`
	TotalDifferences int `json:"totalDifferences"`
}

func TestMFMDifferential(t *testing.T) {
	node := mfmNeedNode(t)
	tools := npmTools(t, npmtools.MFMJS)
	cases := mfmReadCases(t)
	fuzz := mfmFuzzCorpus(mfmFuzzSeed, mfmFuzzCount)
	b, err := json.Marshal(fuzz)
	if err != nil {
		t.Fatal(err)
	}
	fuzzFile := filepath.Join(t.TempDir(), "fuzz.json")
	if err := os.WriteFile(fuzzFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "mfm-diff.mjs"), "diff", tools,
		filepath.Join("js", "mfm.js"), filepath.Join("testdata", "mfm-cases.json"), fuzzFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mfm-diff.mjs: %v\n%s", err, stderr.Bytes())
	}
	var rep mfmDiffReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("mfm-diff.mjs's report: %v\n%.2000s", err, out)
	}
	t.Logf("mfm-js %s (emoji-data %s) in %v: %d vendored cases, %d fuzz inputs (parse and parseSimple each), %d emoji probes: %d parses compared",
		rep.MFMJS, rep.EmojiData, time.Since(start).Round(time.Millisecond), rep.Cases, rep.Fuzz, rep.EmojiProbes, rep.Runs)
	t.Logf("a %d-character document of long fuzz inputs: mfm-js %.1f ms, mfm.js %.1f ms", rep.Timings.Chars, rep.Timings.MFMJSMs, rep.Timings.MineMs)

	if want := strings.TrimPrefix(npmtools.MFMJS, "mfm-js@"); rep.MFMJS != want {
		t.Errorf("compared with mfm-js %s, want %s", rep.MFMJS, want)
	}
	if rep.Cases != len(cases) || rep.Cases != mfmVendoredCases || rep.Fuzz != mfmFuzzCount {
		t.Errorf("ran %d cases and %d fuzz inputs, want %d and %d", rep.Cases, rep.Fuzz, mfmVendoredCases, mfmFuzzCount)
	}
	if rep.EmojiProbes < 20000 {
		t.Errorf("only %d emoji probes", rep.EmojiProbes)
	}
	if rep.EmojiTable != "current" {
		t.Errorf("mfm.js's generated emoji pattern is %s: run node web/testdata/mfm-diff.mjs emoji-regex dist/npm-tools and put its output between the markers", rep.EmojiTable)
	}
	unexpected := 0
	for _, d := range rep.Differences {
		if why, ok := mfmAllowedDifferences[d.Input]; ok {
			t.Logf("allowed difference (%s) on %q", why, d.Input)
			continue
		}
		unexpected++
		limit := "default"
		if d.NestLimit != nil {
			limit = fmt.Sprint(*d.NestLimit)
		}
		t.Errorf("%s: %s(%q, nestLimit %s):\n  mfm-js: %s\n  mfm.js: %s", d.Kind, d.Fn, d.Input, limit, d.Want, d.Got)
	}
	if rest := rep.TotalDifferences - len(rep.Differences); rest > 0 {
		t.Errorf("and %d more differences not listed", rest)
	}
	if rep.TotalDifferences == 0 {
		t.Logf("no differences")
	}
}

// mfmRenderPage is the render test's page (served by the test, not shipped):
// it renders inputs with web/js/mfm.js and checks the DOM, then sets
// window.mfmResult.
const mfmRenderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mfm render test</title>
<link rel="stylesheet" href="/mfm.css">
<script type="module" src="/mfm-render-test.js"></script></head>
<body><div id="out"></div></body></html>
`

// mfmRenderBoot runs first: it records the page's errors and its progress.
const mfmRenderBoot = `window.mfmErrors = [];
window.mfmProgress = "loading";
window.addEventListener("error", (e) => window.mfmErrors.push(String(e.message) + " at " + e.filename + ":" + e.lineno));
window.addEventListener("unhandledrejection", (e) => window.mfmErrors.push("unhandled: " + String(e.reason && e.reason.stack || e.reason)));
`

const mfmRenderScript = `import { parse, parseSimple, render } from "/js/mfm.js";
const step = (name) => { window.mfmProgress = name; };

const violations = [];
document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective + " " + e.blockedURI));

const ALLOWED = new Set(["SPAN", "B", "I", "DEL", "SMALL", "DIV", "BLOCKQUOTE", "CODE", "PRE", "A", "IMG", "RUBY", "RT", "BR", "TIME"]);
const STYLE_PROPS = /^(animation-duration|animation-delay|transform|color|background-color|border-(top|right|bottom|left)-(width|style|color)|border-(top|bottom)-(left|right)-radius)$/;
const EMOJI_URL = location.origin + "/emoji/blobcat.png";
const baseCtx = {
  origin: "https://local.example",
  host: "local.example",
  emojis: { blobcat: EMOJI_URL, evil: "javascript:alert(1)", data: "data:image/png;base64,iVBORw0KGgo=", rel: "/emoji/blobcat.png" },
  reducedMotion: false,
};
const failures = [];
const counts = { rendered: 0, elements: 0, links: 0 };
const fail = (what) => failures.push(what);
const check = (cond, what) => { if (!cond) fail(what); };
const out = document.getElementById("out");

function show(nodes, extra = {}) {
  const box = document.createElement("div");
  box.append(render(nodes, { ...baseCtx, ...extra }));
  out.append(box);
  counts.rendered++;
  return box;
}
const showMFM = (input, extra, opts) => show(parse(input, opts), extra);
/** Each input in its own box (audited), all in one container. */
function showEach(inputs, label, extra) {
  const all = document.createElement("div");
  for (const input of inputs) {
    const box = showMFM(input, extra);
    audit(box, label + " " + JSON.stringify(input));
    all.append(box);
  }
  out.append(all);
  return all;
}

function audit(box, label) {
  const root = box.firstElementChild;
  if (box.childNodes.length !== 1 || !root || root.tagName !== "SPAN" || root.className !== "mfm") fail(label + ": not one span.mfm");
  for (const e of box.querySelectorAll("*")) {
    counts.elements++;
    if (!ALLOWED.has(e.tagName)) fail(label + ": element <" + e.tagName.toLowerCase() + ">");
    for (const a of e.getAttributeNames()) {
      if (/^on/i.test(a) || a === "srcdoc" || a === "formaction") fail(label + ": attribute " + a);
    }
    for (let k = 0; k < e.style.length; k++) {
      if (!STYLE_PROPS.test(e.style[k])) fail(label + ": style property " + e.style[k]);
    }
    if (/url\(|expression|javascript/i.test(e.getAttribute("style") || "")) fail(label + ": style " + e.getAttribute("style"));
  }
  for (const a of box.querySelectorAll("a")) {
    counts.links++;
    const u = new URL(a.href);
    if (u.protocol !== "http:" && u.protocol !== "https:") fail(label + ": link to " + a.href);
    if (a.rel !== "nofollow noopener noreferrer" || a.target !== "_blank") fail(label + ": link rel/target " + a.rel + " " + a.target);
  }
  for (const img of box.querySelectorAll("img")) {
    if (!/^https?:/.test(img.getAttribute("src") || "")) fail(label + ": image " + img.getAttribute("src"));
  }
}

function domDepth(node) {
  let max = 0;
  const stack = [[node, 0]];
  while (stack.length) {
    const [n, d] = stack.pop();
    if (d > max) max = d;
    for (const c of n.children) stack.push([c, d + 1]);
  }
  return max;
}
function treeDepth(nodes) {
  let max = 0;
  const stack = nodes.map((n) => [n, 1]);
  while (stack.length) {
    const [n, d] = stack.pop();
    if (d > max) max = d;
    for (const c of n.children || []) stack.push([c, d + 1]);
  }
  return max;
}
const one = (box, sel, label) => {
  const found = box.querySelectorAll(sel);
  check(found.length === 1, label + ": " + found.length + " of " + sel);
  return found[0] || document.createElement("span");
};
const cs = (e) => getComputedStyle(e);

// 1. Every vendored case and fuzz input, as a note would show it.
step("1");
const cases = await (await fetch("/cases.json")).json();
const fuzz = await (await fetch("/fuzz.json")).json();
for (const c of cases.cases) {
  const nodes = c.fn === "parseSimple" ? parseSimple(c.input) : parse(c.input, c.nestLimit != null ? { nestLimit: c.nestLimit } : {});
  audit(show(nodes), "case " + JSON.stringify(c.input));
}
for (const f of fuzz) audit(show(parse(f.input, f.nestLimit != null ? { nestLimit: f.nestLimit } : {})), "fuzz " + JSON.stringify(f.input.slice(0, 80)));

// 2. Each syntax's element.
step("2");
{
  const b = showMFM("**b** <i>i</i> ~~d~~ <small>s</small> ` + "`c`" + ` \\(x^2\\) <plain>**no**</plain>\nline2");
  audit(b, "inline syntax");
  check(one(b, "b", "bold").textContent === "b", "bold text");
  check(one(b, "i", "italic").textContent === "i", "italic text");
  check(one(b, "del", "strike").textContent === "d", "strike text");
  check(cs(one(b, "small.mfm-small", "small")).opacity === "0.7", "small is muted");
  check(one(b, "code.mfm-code", "inline code").textContent === "c", "inline code text");
  check(one(b, "code.mfm-math", "math").textContent === "x^2", "math text");
  check(one(b, "span.mfm-plain", "plain").textContent === "**no**", "plain text");
  check(b.querySelectorAll("br").length === 1, "one line break");
  const blocks = showMFM("> quoted\n<center>mid</center>\n` + "```js\\nconst a = 1;\\n```" + `\n\\[\\sum\\]\nmisskey 検索");
  audit(blocks, "blocks");
  check(one(blocks, "blockquote.mfm-quote", "quote").textContent === "quoted", "quote text");
  check(cs(one(blocks, "div.mfm-center", "center")).textAlign === "center", "center aligned");
  const pre = one(blocks, "pre.mfm-code-block", "code block");
  check(pre.dataset.lang === "js" && pre.firstElementChild?.tagName === "CODE" && pre.textContent === "const a = 1;", "code block: " + pre.outerHTML);
  check(one(blocks, "code.mfm-math-block", "math block").textContent === "\\sum", "math block text");
  const s = one(blocks, "a.mfm-search-button", "search");
  check(s.href === "https://www.google.com/search?q=misskey", "search link " + s.href);
  check(one(blocks, ".mfm-search-query", "search query").textContent === "misskey", "search query text");
}

// 3. Mentions and hashtags.
step("3");
{
  const b = showMFM("@alice @bob@remote.example @carol@LOCAL.example #misskey #日本語");
  audit(b, "mentions");
  const m = [...b.querySelectorAll("a.mfm-mention")];
  check(m.length === 3, "three mentions");
  check(m[0]?.href === "https://local.example/@alice" && m[0]?.textContent === "@alice", "local mention " + m[0]?.href);
  check(m[1]?.href === "https://local.example/@bob@remote.example" && m[1]?.textContent === "@bob@remote.example", "remote mention " + m[1]?.href);
  check(m[2]?.href === "https://local.example/@carol" && m[2]?.textContent === "@carol", "mention of the local host " + m[2]?.href + " " + m[2]?.textContent);
  const h = [...b.querySelectorAll("a.mfm-hashtag")];
  check(h[0]?.href === "https://local.example/tags/misskey" && h[0]?.textContent === "#misskey", "hashtag " + h[0]?.href);
  check(h[1]?.href === "https://local.example/tags/" + encodeURIComponent("日本語"), "hashtag " + h[1]?.href);
  const seen = [];
  const cb = showMFM("#tag @dave@remote.example", {
    onHashtag: (tag, ev) => { ev.preventDefault(); seen.push("#" + tag); },
    onMention: (who, ev) => { ev.preventDefault(); seen.push(who.acct + "|" + who.username + "|" + who.host); },
  });
  for (const a of cb.querySelectorAll("a")) {
    const ev = new MouseEvent("click", { bubbles: true, cancelable: true });
    a.dispatchEvent(ev);
    check(ev.defaultPrevented, "the callback could cancel the click");
  }
  check(seen.join(",") === "#tag,@dave@remote.example|dave|remote.example", "callbacks: " + seen.join(","));
  const noOrigin = showMFM("@alice #tag", { origin: "javascript:alert(1)" });
  audit(noOrigin, "no origin");
  check(noOrigin.querySelectorAll("a").length === 0 && noOrigin.querySelectorAll(".mfm-mention,.mfm-hashtag").length === 2, "without a usable origin, no links");
}

// 4. URLs and links: only http(s), never javascript:.
step("4");
{
  const long = "https://example.com/" + "a".repeat(200);
  const b = showMFM(long + " https://example.com/%E2%80%AEevil <https://例え.jp/パス> [label **b**](https://example.com/x) ?[quiet](https://example.com/q)");
  audit(b, "urls");
  const u = [...b.querySelectorAll("a.mfm-url")];
  check(u.length === 3, "three urls");
  check(u[0]?.href === long && u[0]?.title === long && u[0]?.textContent.length <= 64 && u[0]?.textContent.includes("…"), "long url shortened: " + u[0]?.textContent);
  check(u[1]?.textContent.includes("%E2%80%AE"), "a bidi override stays encoded: " + u[1]?.textContent);
  check(u[2]?.href === "https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9" && u[2]?.textContent === "https://xn--r8jz45g.jp/パス", "idn url " + u[2]?.href + " " + u[2]?.textContent);
  const l = [...b.querySelectorAll("a.mfm-link")];
  check(l.length === 2 && l[0].href === "https://example.com/x" && l[0].title === "https://example.com/x" && l[0].querySelector("b")?.textContent === "b", "link with a bold label");
  const evil = showMFM("[click](javascript:alert(1)) <javascript:alert(1)> javascript:alert(1) [x](<javascript:alert(1)>) [y](https://ok.example/) JavaScript:void(0)");
  audit(evil, "javascript urls");
  check(evil.querySelectorAll("a").length === 1 && evil.querySelector("a").href === "https://ok.example/", "only the https link is a link");
  const made = show([
    { type: "url", props: { url: "javascript:alert(1)" } },
    { type: "url", props: { url: "data:text/html,hi" } },
    { type: "link", props: { silent: false, url: "javascript:alert(1)" }, children: [{ type: "text", props: { text: "x" } }] },
    { type: "link", props: { silent: false, url: "vbscript:x" }, children: [{ type: "text", props: { text: "y" } }] },
    { type: "emojiCode", props: { name: "evil" } },
    { type: "mention", props: { username: "a\"><img src=x onerror=alert(1)>", host: null, acct: "@x" } },
  ]);
  audit(made, "hand-made nodes");
  check(made.querySelectorAll("a[href^=javascript], a[href^=data], a[href^=vbscript], img").length === 0, "hand-made javascript: nodes are not links: " + made.innerHTML);
}

// 5. Custom emoji: an image for a known one, text for the rest.
step("5");
{
  const b = showMFM(":blobcat: :unknown: :evil: :data: :rel: :constructor: :__proto__: :toString:");
  audit(b, "emoji");
  const img = one(b, "img.mfm-emoji", "custom emoji");
  check(img.src === EMOJI_URL && img.alt === ":blobcat:" && img.title === ":blobcat:", "emoji image " + img.outerHTML);
  for (const t of [":unknown:", ":evil:", ":data:", ":rel:", ":constructor:", ":__proto__:", ":toString:"]) check(b.textContent.includes(t), "emoji as text: " + t);
  // It loads lazily: in view, it loads (the CSP allows it).
  img.scrollIntoView();
  const loaded = await Promise.race([img.decode().then(() => "ok", (e) => String(e)), new Promise((r) => setTimeout(() => r("timeout"), 10000))]);
  check(loaded === "ok" && img.naturalWidth === 1, "the emoji image did not load: " + loaded);
  check(img.loading === "lazy" && img.referrerPolicy === "no-referrer", "emoji image attributes");
  const map = show(parseSimple(":blobcat: **x**"), { emojis: new Map([["blobcat", EMOJI_URL]]) });
  audit(map, "emoji map");
  check(map.querySelectorAll("img.mfm-emoji").length === 1 && map.textContent === " **x**", "parseSimple with a Map of emoji");
}

// 6. $[fn …]: arguments validated as Misskey does.
step("6");
{
  const b = showEach([
    "$[fg.color=0f0 green]", "$[fg.color=red fallback]", "$[fg.color=12345 five]", "$[bg.color=00f blue]",
    "$[fg.color=red unclosed", "$[fg.color=#f00 hash]", "$[border.style=dashed,width=2,color=f00,radius=4 box]",
    "$[border.style=evil,noclip plain]", "$[rotate.deg=45 r]", "$[rotate r90]", "$[scale.x=10,y=2 s]",
    "$[position.x=1.5,y=-2 p]", "$[position.x=abc p0]", "$[font.serif f]", "$[font nofamily]", "$[flip.h,v hv]",
    "$[unknownfn.a=1 hi]", "$[ruby 漢字 かんじ]", "$[unixtime 1700000000]", "$[unixtime soon]", "$[x2 big]", "$[blur secret]",
    "$[clickable.ev=x click]",
  ], "fn");
  const fg = [...b.querySelectorAll(".mfm-fg")];
  check(fg.length === 3, "three fg");
  check(cs(fg[0]).color === "rgb(0, 255, 0)", "fg 0f0: " + cs(fg[0]).color);
  check(cs(fg[1]).color === "rgb(255, 0, 0)" && fg[1].style.color === "rgb(255, 0, 0)", "fg red falls back to f00: " + fg[1].getAttribute("style"));
  check(fg[2].style.color === "", "fg 12345 (valid for Misskey, not for CSS) sets no colour: " + fg[2].getAttribute("style"));
  check(cs(one(b, ".mfm-bg", "bg")).backgroundColor === "rgb(0, 0, 255)", "bg 00f");
  check(b.textContent.includes("$[fg.color=red unclosed") && b.textContent.includes("$[fg.color=#f00 hash]"), "unclosed and bad arguments are text");
  const borders = [...b.querySelectorAll(".mfm-border")];
  check(borders.length === 2, "two borders");
  const b0 = cs(borders[0]);
  check(b0.borderTopStyle === "dashed" && b0.borderTopWidth === "2px" && b0.borderTopColor === "rgb(255, 0, 0)" && b0.borderTopLeftRadius === "4px" && b0.overflow === "clip",
    "border: " + [b0.borderTopStyle, b0.borderTopWidth, b0.borderTopColor, b0.borderTopLeftRadius, b0.overflow].join(" "));
  const b1 = cs(borders[1]);
  check(b1.borderTopStyle === "solid" && b1.borderTopWidth === "1px" && b1.overflow === "visible", "border style=evil is solid, noclip: " + b1.borderTopStyle + " " + b1.overflow);
  const transforms = [...b.querySelectorAll(".mfm-fn")].map((e) => e.style.transform).filter(Boolean);
  for (const t of ["rotate(45deg)", "rotate(90deg)", "scale(5, 2)", "translateX(1.5em) translateY(-2em)", "translateX(0em) translateY(0em)"]) {
    check(transforms.includes(t), "transform " + t + " in " + transforms.join("; "));
  }
  check(cs(one(b, ".mfm-font-serif", "font")).fontFamily === "serif", "font serif");
  check(b.querySelectorAll(".mfm-flip-hv").length === 1, "flip h,v");
  const unknown = [...b.querySelectorAll(".mfm-fn-unknown")].map((e) => e.textContent);
  check(unknown.includes("$[unknownfn hi]") && unknown.includes("$[font nofamily]"), "unknown fns as written: " + unknown.join(", "));
  const rt = one(b, "ruby rt", "ruby");
  check(rt.textContent === "かんじ" && rt.parentElement.firstChild.textContent === "漢字", "ruby");
  const times = [...b.querySelectorAll(".mfm-unixtime")];
  check(times[0]?.querySelector("time")?.dateTime === "2023-11-14T22:13:20.000Z", "unixtime " + times[0]?.innerHTML);
  check(times[1] && !times[1].querySelector("time") && times[1].textContent === "soon", "unixtime of no number");
  const x2 = one(b, ".mfm-x2", "x2");
  check(parseFloat(cs(x2).fontSize) === 2 * parseFloat(cs(x2.parentElement).fontSize), "x2 doubles the size");
  check(cs(one(b, ".mfm-blur", "blur")).filter === "blur(6px)", "blur");
  check(one(b, ".mfm-clickable", "clickable").textContent === "click", "clickable");
}

// 7. Animations, and none with reducedMotion.
step("7");
{
  const anims = "$[tada a] $[jelly a] $[twitch a] $[shake a] $[spin a] $[spin.x a] $[spin.y,left a] $[spin.alternate a] $[jump a] $[bounce a] $[rainbow a] $[sparkle a] ***big*** $[spin.speed=2s sp] $[spin.speed=2 bad] $[tada.delay=-1s d]";
  const moving = showMFM(anims);
  audit(moving, "animated");
  const named = [...moving.querySelectorAll(".mfm-anim")].map((e) => cs(e).animationName);
  for (const n of ["mfm-tada", "mfm-jelly", "mfm-twitch", "mfm-shake", "mfm-spin", "mfm-spin-x", "mfm-spin-y", "mfm-jump", "mfm-bounce", "mfm-rainbow"]) {
    check(named.includes(n), "animation " + n + " in " + named.join(","));
  }
  check(moving.querySelectorAll(".mfm-sparkle").length === 1, "sparkle");
  const spins = [...moving.querySelectorAll(".mfm-anim-spin")];
  check(spins.some((e) => cs(e).animationDuration === "2s") && spins.some((e) => cs(e).animationDuration === "1.5s" && e.textContent === "bad"), "speed=2s is used, speed=2 is not");
  check(cs(moving.querySelector(".mfm-anim-spinY")).animationDirection === "reverse", "spin.left runs in reverse");
  check([...moving.querySelectorAll(".mfm-anim-tada")].some((e) => cs(e).animationDelay === "-1s"), "delay=-1s");
  const still = showMFM(anims, { reducedMotion: true });
  audit(still, "reduced motion");
  const classed = [...still.querySelectorAll("*")].filter((e) => [...e.classList].some((c) => c.startsWith("mfm-anim") || c === "mfm-sparkle"));
  check(classed.length === 0, "reducedMotion leaves animation classes: " + classed.map((e) => e.className).join(","));
  const stillNames = [...still.querySelectorAll("*")].map((e) => cs(e).animationName).filter((n) => n !== "none");
  check(stillNames.length === 0, "reducedMotion leaves animations: " + stillNames.join(","));
  check(still.querySelectorAll(".mfm-rainbow-fallback").length === 1, "rainbow falls back to still colours");
  check(still.querySelectorAll(".mfm-tada").length === 3 && cs(still.querySelector(".mfm-tada")).fontSize !== cs(still).fontSize, "tada stays large");
  check(still.textContent === moving.textContent, "the same text still and moving");
}

// 8. Deep input: the nesting limit keeps the stack and the DOM shallow.
step("8");
const depths = {};
{
  const deep = {
    bold: "<b>".repeat(20000) + "x" + "</b>".repeat(20000),
    fn: "$[x ".repeat(5000) + "y" + "]".repeat(5000),
    quote: ">".repeat(5000) + " q",
    hashtag: "#" + "(".repeat(5000) + "a" + ")".repeat(5000),
    url: "https://e.example/" + "(".repeat(5000) + ")".repeat(5000),
    link: "[".repeat(5000) + "a" + "](https://e.example/)".repeat(50),
    mixed: "**<i>~~<small>$[tada ".repeat(2000),
    center: "<center>".repeat(3000) + "x" + "</center>".repeat(3000),
  };
  for (const [name, input] of Object.entries(deep)) {
    let nodes;
    try {
      nodes = parse(input);
    } catch (e) {
      fail("deep " + name + ": parse threw " + e);
      continue;
    }
    const box = show(nodes);
    audit(box, "deep " + name);
    depths[name] = domDepth(box);
    check(treeDepth(nodes) <= 21, "deep " + name + ": tree depth " + treeDepth(nodes));
    check(depths[name] <= 25, "deep " + name + ": DOM depth " + depths[name]);
    check(box.textContent.length > 0, "deep " + name + " shows its text");
  }
  const limited = parse("<b>".repeat(50) + "x" + "</b>".repeat(50), { nestLimit: 3 });
  check(treeDepth(limited) === 4, "nestLimit 3: tree depth " + treeDepth(limited));
  let made = { type: "text", props: { text: "bottom" } };
  for (let k = 0; k < 20000; k++) made = { type: "bold", children: [made] };
  try {
    const box = show([made]);
    depths.handMade = domDepth(box);
    check(depths.handMade <= 102 && box.textContent === "bottom", "a hand-made 20,000-deep tree: DOM depth " + depths.handMade);
  } catch (e) {
    fail("a hand-made 20,000-deep tree: render threw " + e);
  }
}

// 9. 20,000 characters: timed (logged, not asserted).
step("9");
const timings = {};
{
  const piece = "Hello **world** @alice@remote.example #tag :blobcat: 😇 https://example.com/path?q=1 $[tada yay] <small>s</small> ` + "`code`" + `\n> quote line\n";
  let note = "";
  while (note.length < 20000) note += piece;
  note = note.slice(0, 20000);
  const hostile = ("**a <b>~~$[x [" + "z".repeat(12)).repeat(1000).slice(0, 20000);
  const time = (f) => { const t0 = performance.now(); const v = f(); return [v, Math.round((performance.now() - t0) * 10) / 10]; };
  for (const [name, text] of [["note", note], ["unclosed", hostile]]) {
    const [nodes, parseMs] = time(() => parse(text));
    const [frag, renderMs] = time(() => render(nodes, baseCtx));
    const [, simpleMs] = time(() => parseSimple(text));
    const box = document.createElement("div");
    box.append(frag);
    out.append(box);
    audit(box, "20,000 characters " + name);
    timings[name] = { chars: text.length, nodes: nodes.length, parseMs, renderMs, parseSimpleMs: simpleMs };
  }
}

// 10. The CSP: no violation so far. Then a canary (an inline style
step("10");
// attribute) proves the listener hears one.
await new Promise((r) => setTimeout(r, 300));
const before = [...violations];
const canary = document.createElement("span");
canary.setAttribute("style", "color: red");
out.append(canary);
await new Promise((r) => setTimeout(r, 300));

window.mfmResult = { failures, counts, depths, timings, violations: before, canaryHeard: violations.length > before.length };
`

func TestMFMRender(t *testing.T) {
	ctx := newBrowser(t)
	cases, err := os.ReadFile(filepath.Join("testdata", "mfm-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	fuzz, err := json.Marshal(mfmFuzzCorpus(mfmFuzzSeed, 1500))
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{0x86, 0xb3, 0x00, 0xff})
	var png1 bytes.Buffer
	if err := png.Encode(&png1, img); err != nil {
		t.Fatal(err)
	}
	files := map[string]struct {
		typ  string
		body func() ([]byte, error)
	}{
		"/":                   {"text/html; charset=utf-8", func() ([]byte, error) { return []byte(mfmRenderPage), nil }},
		"/mfm-render-test.js": {"text/javascript; charset=utf-8", func() ([]byte, error) { return []byte(mfmRenderScript), nil }},
		"/js/mfm.js":          {"text/javascript; charset=utf-8", func() ([]byte, error) { return os.ReadFile(filepath.Join("js", "mfm.js")) }},
		"/mfm.css":            {"text/css; charset=utf-8", func() ([]byte, error) { return os.ReadFile("mfm.css") }},
		"/cases.json":         {"application/json", func() ([]byte, error) { return cases, nil }},
		"/fuzz.json":          {"application/json", func() ([]byte, error) { return fuzz, nil }},
		"/emoji/blobcat.png":  {"image/png", func() ([]byte, error) { return png1.Bytes(), nil }},
	}
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := f.body()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Type", f.typ)
		w.Write(b)
	}))
	onNewDocument(t, ctx, cspWatch+mfmRenderBoot)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		state := eval[struct {
			Done     bool
			Errors   []string
			Progress string
		}](t, ctx, `({ done: !!window.mfmResult, errors: window.mfmErrors, progress: window.mfmProgress })`)
		if state.Done {
			break
		}
		if len(state.Errors) > 0 || time.Now().After(deadline) {
			t.Fatalf("the render page stopped at step %s: %v", state.Progress, state.Errors)
		}
	}
	type timing struct {
		Chars, Nodes                     int
		ParseMs, RenderMs, ParseSimpleMs float64
	}
	res := eval[struct {
		Failures    []string
		Counts      struct{ Rendered, Elements, Links int }
		Depths      map[string]int
		Timings     map[string]timing
		Violations  []string
		CanaryHeard bool
		Watched     []string
	}](t, ctx, `window.mfmResult ? { ...window.mfmResult, watched: window.cspViolations } : { failures: ["the page did not finish"], watched: window.cspViolations }`)
	for _, f := range res.Failures {
		t.Error(f)
	}
	t.Logf("rendered %d documents: %d elements, %d links", res.Counts.Rendered, res.Counts.Elements, res.Counts.Links)
	t.Logf("DOM depth of deep inputs: %v", res.Depths)
	for _, name := range []string{"note", "unclosed"} {
		tm := res.Timings[name]
		t.Logf("%d characters (%s): parse %.1f ms (%d top-level nodes), render %.1f ms, parseSimple %.1f ms",
			tm.Chars, name, tm.ParseMs, tm.Nodes, tm.RenderMs, tm.ParseSimpleMs)
		if tm.Chars != 20000 {
			t.Errorf("the %s input has %d characters, want 20000", name, tm.Chars)
		}
	}
	if res.Counts.Rendered < 1500+mfmVendoredCases {
		t.Errorf("rendered only %d documents", res.Counts.Rendered)
	}
	if len(res.Violations) > 0 {
		t.Errorf("CSP violations while rendering: %v", res.Violations)
	}
	// The canary (a style attribute set on purpose at the end) shows that
	// both listeners hear violations; it is the only one they may hear.
	if !res.CanaryHeard {
		t.Error("the page's CSP listener did not hear the canary violation")
	}
	if len(res.Watched) != 1 || !strings.HasPrefix(res.Watched[0], "style-src-attr") {
		t.Errorf("violations seen from the first script on: %v, want only the canary's style-src-attr", res.Watched)
	}
}
