// Differential test of web/js/mfm.js against mfm-js (the reference MFM
// parser, pinned in web/internal/npmtools), run by web/mfm_test.go with
// Node.js. Three commands:
//
//   node mfm-diff.mjs diff <npm-tools dir> <mfm.js> <mfm-cases.json> <fuzz.json>
//       Parses every vendored case and every fuzz input with both parsers and
//       prints a JSON report (counts and every difference) on stdout.
//   node mfm-diff.mjs emoji-regex <npm-tools dir>
//       Prints the unicode-emoji pattern mfm.js embeds (between its
//       "generated emoji pattern" markers), made from @misskey-dev/emoji-data.
//   node mfm-diff.mjs extract-cases <mfm.js's test/parser.ts> <out.json>
//       Writes mfm-cases.json: the input (and options) of every parse and
//       parseSimple case of mfm.js's own parser tests.
//
// The expected trees are never stored: mfm-js computes them here.

import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";

const [command, ...args] = process.argv.slice(2);

const commands = { diff, "emoji-regex": printEmojiRegex, "extract-cases": extractCases };
if (!commands[command]) {
  console.error("usage: node mfm-diff.mjs diff|emoji-regex|extract-cases …");
  process.exit(2);
}
await commands[command](...args);

// ---------------------------------------------------------------------------
// diff

async function diff(toolsDir, mfmPath, casesPath, fuzzPath) {
  const mod = (name) => path.join(toolsDir, "node_modules", name);
  const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(mod(name), "package.json"), "utf8")).version;
  const ref = await import(pathToFileURL(path.join(mod("mfm-js"), "built", "index.mjs")).href);
  const mine = await import(pathToFileURL(path.resolve(mfmPath)).href);
  const { emojiRegex } = await import(pathToFileURL(path.join(mod("@misskey-dev/emoji-data"), "built", "regex.mjs")).href);
  const cases = JSON.parse(fs.readFileSync(casesPath, "utf8")).cases;
  const fuzz = JSON.parse(fs.readFileSync(fuzzPath, "utf8"));

  const report = {
    mfmjs: pkgVersion("mfm-js"),
    emojiData: pkgVersion("@misskey-dev/emoji-data"),
    cases: 0,
    fuzz: 0,
    emojiProbes: 0,
    runs: 0,
    emojiPattern: "",
    timings: {},
    differences: [],
    totalDifferences: 0,
  };
  const MAX_REPORTED = 60;

  const run = (kind, fn, input, nestLimit) => {
    report.runs++;
    const opts = nestLimit != null ? { nestLimit } : undefined;
    const call = (lib) => {
      try {
        return { tree: fn === "parseSimple" ? lib.parseSimple(input) : lib.parse(input, opts) };
      } catch (e) {
        return { error: String(e && e.message || e) };
      }
    };
    const want = call(ref);
    const got = call(mine);
    // The same tree: deep equality, and the same JSON (so the same key order).
    const same = isDeepStrictEqual(want, got) && JSON.stringify(want) === JSON.stringify(got);
    if (!same) {
      report.totalDifferences++;
      if (report.differences.length < MAX_REPORTED) {
        report.differences.push({ kind, fn, input, nestLimit: nestLimit ?? null, want, got });
      }
    }
  };

  for (const c of cases) {
    report.cases++;
    run("case " + c.name, c.fn, c.input, c.nestLimit);
  }
  for (const f of fuzz) {
    report.fuzz++;
    run("fuzz", "parse", f.input, f.nestLimit);
    run("fuzz", "parseSimple", f.input);
  }

  // The embedded emoji pattern is what emoji-data 17 gives, and it matches
  // exactly as emoji-data's regex does: probed through parse and
  // parseSimple at every prefix of every emoji sequence.
  const table = buildEmojiTable(emojiRegex);
  const embedded = embeddedEmojiPattern(fs.readFileSync(mfmPath, "utf8"));
  report.emojiPattern = embedded === table.pattern ? "current" : embedded == null ? "missing" : "stale";
  for (const probe of table.probes) {
    report.emojiProbes++;
    run("emoji", "parseSimple", probe);
    run("emoji", "parse", probe);
  }

  // A few timings, for the log (never asserted).
  const time = (lib, input) => {
    const t0 = performance.now();
    lib.parse(input);
    return Math.round((performance.now() - t0) * 10) / 10;
  };
  const long = fuzz.filter((f) => f.input.length > 2000).map((f) => f.input).join("\n").slice(0, 20000);
  report.timings = { chars: long.length, mfmjsMs: time(ref, long), mineMs: time(mine, long) };

  process.stdout.write(JSON.stringify(report));
}

// ---------------------------------------------------------------------------
// The unicode emoji pattern

async function printEmojiRegex(toolsDir) {
  const { emojiRegex } = await import(
    pathToFileURL(path.join(toolsDir, "node_modules", "@misskey-dev", "emoji-data", "built", "regex.mjs")).href
  );
  const table = buildEmojiTable(emojiRegex);
  process.stdout.write(table.pattern + "\n");
}

// embeddedEmojiPattern reads the pattern of the regex literal mfm.js keeps
// between its markers.
function embeddedEmojiPattern(src) {
  const m = /\/\/ BEGIN generated emoji pattern[^\n]*\n(?:\/\/[^\n]*\n)*const EMOJI_RE = \/([^\n]*)\/y;\n\/\/ END generated emoji pattern/.exec(src);
  return m ? m[1] : null;
}

// buildEmojiTable expands emoji-data's regex (a finite language: alternations,
// classes, "?" and one negative lookahead) into its strings, puts them in a
// trie, checks that the regex always picks the longest string of the trie
// that matches (a string followed by U+FE0E excepted where the regex says
// so), and compiles the minimised trie back into a pattern. It also returns
// the probes that prove the two patterns equal: every trie prefix followed
// by nothing, by U+0000 and by U+FE0E.
function buildEmojiTable(emojiRegex) {
  const ast = parseRegex(emojiRegex.source);
  const entries = expand(ast);
  const root = { kids: new Map(), term: 0 }; // term: 0 no, 1 unless U+FE0E follows, 2 yes
  for (const { s, neg } of entries) {
    if (neg && [...neg].some((c) => c !== 0xfe0e)) throw new Error("unexpected lookahead in emoji-data's regex");
    let n = root;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (!n.kids.has(c)) n.kids.set(c, { kids: new Map(), term: 0 });
      n = n.kids.get(c);
    }
    n.term = Math.max(n.term, neg ? 1 : 2);
  }
  const probes = [];
  const collect = (n, p) => {
    if (p !== "") probes.push(p, p + "\0", p + "\ufe0e");
    for (const [c, k] of n.kids) collect(k, p + String.fromCharCode(c));
  };
  collect(root, "");

  const refRe = new RegExp("^(?:" + emojiRegex.source + ")");
  const longest = (x) => {
    let n = root;
    let best = null;
    for (let k = 0; ; k++) {
      if (n.term === 2 || (n.term === 1 && x.charCodeAt(k) !== 0xfe0e)) best = x.slice(0, k);
      if (k >= x.length) break;
      n = n.kids.get(x.charCodeAt(k));
      if (!n) break;
    }
    return best;
  };
  for (const x of probes) {
    const m = refRe.exec(x);
    if ((m ? m[0] : null) !== longest(x)) throw new Error("emoji-data's regex is not a longest match at " + JSON.stringify(x));
  }

  // Minimise: equal subtrees become one state.
  const states = new Map();
  const canon = (n) => {
    const kids = [...n.kids.entries()].sort((a, b) => a[0] - b[0]).map(([c, k]) => [c, canon(k)]);
    const key = n.term + "|" + kids.map(([c, id]) => c + ":" + id).join(",");
    if (!states.has(key)) states.set(key, { id: states.size, term: n.term, kids });
    return states.get(key).id;
  };
  const rootId = canon(root);
  const byId = new Map([...states.values()].map((st) => [st.id, st]));
  const hex = (c) => "\\u" + c.toString(16).padStart(4, "0");
  const plain = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x23;
  const one = (c, inClass) => (plain(c) ? String.fromCharCode(c) : c === 0x2a ? (inClass ? "*" : "\\*") : hex(c));
  const cls = (cs) => {
    if (cs.length === 1) return one(cs[0], false);
    let out = "";
    for (let k = 0; k < cs.length; ) {
      let j = k;
      while (j + 1 < cs.length && cs[j + 1] === cs[j] + 1) j++;
      if (j - k >= 2) out += one(cs[k], true) + "-" + one(cs[j], true);
      else for (let m = k; m <= j; m++) out += one(cs[m], true);
      k = j + 1;
    }
    return "[" + out + "]";
  };
  const memo = new Map();
  const emit = (id) => {
    if (memo.has(id)) return memo.get(id);
    const st = byId.get(id);
    const groups = new Map();
    for (const [c, kid] of st.kids) {
      if (!groups.has(kid)) groups.set(kid, []);
      groups.get(kid).push(c);
    }
    const parts = [...groups.entries()].map(([kid, cs]) => cls(cs) + emit(kid));
    let out;
    if (parts.length === 0) out = st.term === 1 ? "(?!\\ufe0e)" : "";
    else if (st.term === 0) out = parts.length === 1 ? parts[0] : "(?:" + parts.join("|") + ")";
    else if (st.term === 2) out = "(?:" + parts.join("|") + ")?";
    else out = "(?:" + parts.join("|") + "|(?!\\ufe0e))";
    memo.set(id, out);
    return out;
  };
  const pattern = emit(rootId);
  const mine = new RegExp(pattern, "y");
  for (const x of probes) {
    mine.lastIndex = 0;
    const a = mine.exec(x);
    const b = refRe.exec(x);
    if ((a ? a[0] : null) !== (b ? b[0] : null)) throw new Error("the compiled emoji pattern differs at " + JSON.stringify(x));
  }
  return { pattern, probes };
}

// parseRegex reads the regex syntax emoji-data's pattern uses (and throws on
// anything else): alternation, (?:…), (…), (?!…), classes with ranges,
// \uXXXX escapes and the "?" quantifier, over UTF-16 code units.
function parseRegex(src) {
  let i = 0;
  const unit = () => {
    if (src[i] === "\\") {
      if (src[i + 1] === "u") {
        const c = parseInt(src.slice(i + 2, i + 6), 16);
        i += 6;
        return c;
      }
      if (/[a-zA-Z0-9]/.test(src[i + 1])) throw new Error("unsupported escape \\" + src[i + 1]);
      const c = src.charCodeAt(i + 1);
      i += 2;
      return c;
    }
    if ("^$.".includes(src[i])) throw new Error("unsupported " + src[i]);
    return src.charCodeAt(i++);
  };
  const alt = () => {
    const branches = [seq()];
    while (src[i] === "|") {
      i++;
      branches.push(seq());
    }
    return { t: "alt", branches };
  };
  const seq = () => {
    const items = [];
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      let item;
      if (src[i] === "(") {
        i++;
        if (src.startsWith("?:", i)) {
          i += 2;
          item = alt();
        } else if (src.startsWith("?!", i)) {
          i += 2;
          item = { t: "neg", body: alt() };
        } else if (src[i] === "?") {
          throw new Error("unsupported group");
        } else item = alt();
        if (src[i++] !== ")") throw new Error("unbalanced group");
      } else if (src[i] === "[") {
        i++;
        if (src[i] === "^") throw new Error("unsupported negated class");
        const set = new Set();
        while (src[i] !== "]") {
          const a = unit();
          if (src[i] === "-" && src[i + 1] !== "]") {
            i++;
            const b = unit();
            for (let c = a; c <= b; c++) set.add(c);
          } else set.add(a);
        }
        i++;
        item = { t: "set", set: [...set] };
      } else {
        item = { t: "set", set: [unit()] };
      }
      if (src[i] === "?") {
        i++;
        item = { t: "opt", body: item };
      } else if (src[i] && "*+{".includes(src[i])) throw new Error("unsupported quantifier");
      items.push(item);
    }
    return items;
  };
  const ast = alt();
  if (i !== src.length) throw new Error("unbalanced pattern");
  return ast;
}

// expand lists the strings a parsed pattern matches, each with the code
// units that must not follow it (a trailing negative lookahead).
function expand(node) {
  const ex = (n) => {
    switch (n.t) {
      case "alt":
        return n.branches.flatMap(exSeq);
      case "set":
        return n.set.map((c) => ({ s: String.fromCharCode(c), neg: null }));
      case "opt":
        return [{ s: "", neg: null }, ...ex(n.body)];
      case "neg": {
        const bodies = ex(n.body);
        if (bodies.some((b) => b.s.length !== 1 || b.neg)) throw new Error("unsupported lookahead");
        return [{ s: "", neg: new Set(bodies.map((b) => b.s.charCodeAt(0))) }];
      }
    }
    throw new Error("unknown node");
  };
  const exSeq = (items) => {
    let acc = [{ s: "", neg: null }];
    for (const it of items) {
      const next = [];
      for (const a of acc) {
        for (const b of ex(it)) {
          if (a.neg && b.s.length > 0 && a.neg.has(b.s.charCodeAt(0))) continue;
          const neg = b.s.length > 0 ? b.neg : a.neg || b.neg ? new Set([...(a.neg || []), ...(b.neg || [])]) : null;
          next.push({ s: a.s + b.s, neg });
        }
      }
      acc = next;
    }
    return acc;
  };
  return ex(node);
}

// ---------------------------------------------------------------------------
// extract-cases

// extractCases runs mfm.js's test/parser.ts with stand-ins for describe,
// test, assert and the parser, recording each call's input and options. A
// test that calls no parser (upstream has one whose assertion is missing)
// still gives its `const input = …;`, evaluated alone.
function extractCases(testFile, outFile) {
  let src = fs.readFileSync(testFile, "utf8");
  src = src.replace(/^import[\s\S]*?;\s*$/gm, "");
  src = src.replace(/:\s*mfm\.MfmNode\[\]/g, "");
  const cases = [];
  const names = [];
  let current = null;
  const node = () => ({});
  const sandbox = {
    describe: (name, fn) => {
      names.push(name);
      fn();
      names.pop();
    },
    test: (name, fn) => {
      current = { name: [...names, name].join(" > "), calls: 0 };
      fn();
      if (current.calls === 0) {
        const m = /const input = ([\s\S]*?);\n/.exec(fn.toString());
        if (!m) throw new Error("no input in " + current.name);
        const input = vm.runInContext("(" + m[1] + ")", context);
        cases.push({ name: current.name, fn: "parse", input, note: "upstream test asserts nothing" });
      }
      current = null;
    },
    assert: { deepStrictEqual() {} },
    mfm: {
      parse: (input, opts) => {
        current.calls++;
        const c = { name: current.name, fn: "parse", input };
        if (opts && opts.nestLimit != null) c.nestLimit = opts.nestLimit;
        cases.push(c);
        return [];
      },
      parseSimple: (input) => {
        current.calls++;
        cases.push({ name: current.name, fn: "parseSimple", input });
        return [];
      },
    },
  };
  sandbox.it = sandbox.test;
  for (const k of ["TEXT", "CENTER", "FN", "UNI_EMOJI", "MENTION", "EMOJI_CODE", "HASHTAG", "N_URL", "BOLD", "SMALL",
    "ITALIC", "STRIKE", "QUOTE", "MATH_BLOCK", "SEARCH", "CODE_BLOCK", "LINK", "INLINE_CODE", "MATH_INLINE", "PLAIN"]) {
    sandbox[k] = node;
  }
  const context = vm.createContext(sandbox);
  vm.runInContext(src, context, { filename: testFile });
  const out = {
    about: "The input (and nestLimit) of every parse and parseSimple case in mfm.js's test/parser.ts " +
      "(github.com/misskey-dev/mfm.js, MIT), extracted by web/testdata/mfm-diff.mjs extract-cases. " +
      "The expected trees are computed by mfm-js itself when web/mfm_test.go runs.",
    count: cases.length,
    cases,
  };
  fs.writeFileSync(outFile, JSON.stringify(out, null, 1) + "\n");
  console.log(`${cases.length} cases written to ${outFile}`);
}
