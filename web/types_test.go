package main

// The TypeScript types of the library, checked by the TypeScript compiler:
// wasm/typetest's correct uses must compile under --strict, its mistakes
// must each be an error, and the fake instance's answers must fit the
// types generated from the real server's OpenAPI document. Then the .d.ts
// and the loaded library must name the same functions and properties.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
	"github.com/misskey-wasm/misskey-wasm/web/internal/npmtools"
)

// typeCheckDir copies the types and wasm/typetest into a new folder.
func typeCheckDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "wasm", "typetest"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"misskey.d.ts", "misskey-api.d.ts", "misskey.js", "typetest/tsconfig.json", "typetest/ok.ts", "typetest/mistakes.ts"} {
		b, err := os.ReadFile(filepath.Join("..", "wasm", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "wasm", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fakeAnswers records the fake instance's answers to a few calls, as a
// TypeScript file that assigns each to its endpoint's generated answer type.
func fakeAnswers(t *testing.T) string {
	t.Helper()
	fake := misskeytest.NewServer()
	defer fake.Close()
	alice := fake.SignedIn()
	bob := fake.AddUser("bob", "Bob")
	fake.Follow(bob, alice) // a notification for alice
	fake.PostNote(bob, "@alice hello")
	c, _ := misskey.NewClient(fake.URL, fake.IssueToken(alice, misskey.Permissions...))
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("// The fake instance's answers, recorded by web/types_test.go, typed by the generated types.\nimport type { Endpoints } from \"../misskey.js\";\n\n")
	record := func(name, endpoint string, raw []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", endpoint, err)
		}
		fmt.Fprintf(&b, "export const %s: Endpoints[%q][\"res\"] = %s;\n\n", name, endpoint, raw)
	}
	raw, err := c.Request(ctx, "i", nil)
	record("i", "i", raw, err)
	raw, err = c.Request(ctx, "notes/create", []byte(`{"text":"typed **hello**","cw":"a warning","visibility":"home"}`))
	record("notesCreate", "notes/create", raw, err)
	raw, err = c.Request(ctx, "notes/timeline", []byte(`{"limit":5}`))
	record("notesTimeline", "notes/timeline", raw, err)
	raw, err = c.Upload(ctx, strings.NewReader("picture"), misskey.UploadOptions{Name: "cat.png", Comment: "a cat"})
	record("driveFilesCreate", "drive/files/create", raw, err)
	raw, err = c.Request(ctx, "i/notifications", []byte(`{"limit":10}`))
	record("iNotifications", "i/notifications", raw, err)
	raw, err = c.Request(ctx, "meta", nil)
	record("meta", "meta", raw, err)
	return b.String()
}

// npmTools installs pinned npm packages for a test. Without npm the test
// is skipped, loudly, except in CI (CI=true), where it fails.
func npmTools(t *testing.T, pkgs ...string) string {
	t.Helper()
	dir, err := npmtools.Install(pkgs...)
	if err != nil {
		if _, lookErr := exec.LookPath("npm"); lookErr != nil && os.Getenv("CI") == "" {
			fmt.Fprintf(os.Stderr, "\n*** %s SKIPPED: npm is not installed (apt-get install -y npm) ***\n\n", t.Name())
			t.Skip("npm is not installed")
		}
		t.Fatal(err)
	}
	return dir
}

func TestTypesCompile(t *testing.T) {
	tools := npmTools(t, npmtools.TypeScript)
	dir := typeCheckDir(t)
	if err := os.WriteFile(filepath.Join(dir, "wasm", "typetest", "answers.ts"), []byte(fakeAnswers(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(npmtools.Bin(tools, "tsc"), "-p", filepath.Join(dir, "wasm", "typetest"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tsc --strict found errors (an unused @ts-expect-error means a mistake now compiles):\n%s", out)
	}
	// The mistakes file must hold its mistakes: count them.
	b, _ := os.ReadFile(filepath.Join("..", "wasm", "typetest", "mistakes.ts"))
	if n := strings.Count(string(b), "// @ts-expect-error"); n < 15 {
		t.Errorf("only %d mistakes checked", n)
	}
}

// membersJS lists, with the TypeScript compiler's API, the members of the
// interfaces the loaded library implements, and the module's exports.
const membersJS = `
const ts = require(process.argv[2]);
const file = process.argv[3];
const src = ts.createSourceFile(file, require("fs").readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
const out = { exports: [] };
const want = new Set(["Misskey", "MiAuth", "Accounts", "Client", "Stream", "Channel", "Timeline", "NotificationsFeed"]);
for (const st of src.statements) {
  if (ts.isFunctionDeclaration(st) && st.name && !out.exports.includes(st.name.text)) out.exports.push(st.name.text);
  if (ts.isInterfaceDeclaration(st) && want.has(st.name.text)) {
    out[st.name.text] = [...new Set(st.members.filter((m) => m.name).map((m) => m.name.getText(src)))];
  }
}
console.log(JSON.stringify(out));
`

// The .d.ts and the runtime agree: every function and property the types
// name exists on the loaded object, and the other way round.
func TestTypesMatchRuntime(t *testing.T) {
	tools := npmTools(t, npmtools.TypeScript)
	script := filepath.Join(t.TempDir(), "members.cjs")
	os.WriteFile(script, []byte(membersJS), 0o644)
	dts, _ := filepath.Abs(filepath.Join("..", "wasm", "misskey.d.ts"))
	out, err := exec.Command("node", script, filepath.Join(tools, "node_modules", "typescript"), dts).Output()
	if err != nil {
		t.Fatalf("listing the .d.ts members: %v", err)
	}
	var typed map[string][]string
	if err := json.Unmarshal(out, &typed); err != nil {
		t.Fatal(err)
	}
	ctx, _ := openLibPage(t, "/test.html")
	fake := misskeytest.NewServer()
	defer fake.Close()
	runtime := eval[map[string][]string](t, ctx, `(async () => {
		const names = (o) => { const s = new Set(); for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) Object.getOwnPropertyNames(p).forEach((n) => s.add(n)); return [...s]; };
		const mod = await import("./dist/misskey.js");
		const client = mk.client("`+fake.URL+`");
		const stream = client.stream();
		const channel = stream.channel("localTimeline");
		const tl = client.timeline("local");
		const nf = mk.client({ origin: "`+fake.URL+`", token: "x" }).notifications();
		const r = { exports: Object.keys(mod), Misskey: names(mk), MiAuth: names(mk.miauth), Accounts: names(mk.accounts), Client: names(client), Stream: names(stream), Channel: names(channel), Timeline: names(tl), NotificationsFeed: names(nf) };
		stream.close(); tl.close(); nf.close();
		return r;
	})()`)
	for kind, want := range typed {
		got := runtime[kind]
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the types name %v, the runtime has %v", kind, want, got)
		}
	}
}
