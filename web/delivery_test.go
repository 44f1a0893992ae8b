package main

// dist/ as an npm package, and misskey.wasm on the wire: the bytes and
// headers the demo's server sends for each Accept-Encoding, and its
// answers to revalidation.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestDistIsAPackage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testDist, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Name, Version, Type, Main, Types string
		Exports                          map[string]any
		Files                            []string
		SideEffects                      []string
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	ver, err := libraryVersion(filepath.Join("..", "wasm", "api.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"version": "`+ver+`"`) || pkg.Version != ver || ver == "" {
		t.Errorf("package.json version %q, wasm/api.go says %q", pkg.Version, ver)
	}
	if pkg.Type != "module" || pkg.Types != "./misskey.d.ts" || pkg.Main != "./misskey.js" {
		t.Errorf("package.json: type %q, types %q, main %q", pkg.Type, pkg.Types, pkg.Main)
	}
	want := map[string]any{
		".":              map[string]any{"types": "./misskey.d.ts", "default": "./misskey.js"},
		"./misskey.wasm": "./misskey.wasm",
		"./wasm_exec.js": "./wasm_exec.js",
		"./package.json": "./package.json",
	}
	if !reflect.DeepEqual(pkg.Exports, want) {
		t.Errorf("exports %v, want %v", pkg.Exports, want)
	}
	// "types" must come before "default": the first condition that matches wins.
	if i, j := strings.Index(string(b), `"types": "./misskey.d.ts",`+"\n      "+`"default"`), strings.Index(string(b), `"default": "./misskey.js"`); i < 0 || j < i {
		t.Errorf(`exports ".": "types" is not the first condition:\n%s`, b)
	}
	for _, f := range pkg.Files {
		if _, err := os.Stat(filepath.Join(testDist, f)); err != nil {
			t.Errorf("files names %s: %v", f, err)
		}
	}
	if !reflect.DeepEqual(pkg.SideEffects, []string{"./wasm_exec.js"}) {
		t.Errorf("sideEffects %v", pkg.SideEffects)
	}
	// The forms bundlers recognise, written out literally.
	js, _ := os.ReadFile(filepath.Join(testDist, "misskey.js"))
	for _, s := range []string{`import "./wasm_exec.js";`, `new URL("./misskey.wasm", import.meta.url)`} {
		if !bytes.Contains(js, []byte(s)) {
			t.Errorf("misskey.js lacks %s", s)
		}
	}
}

func TestLibraryVersionParse(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "api.go")
	os.WriteFile(src, []byte("package main\n\nconst (\n\tother = \"x\"\n\tversion = \"9.8.7\"\n)\n"), 0o644)
	if v, err := libraryVersion(src); err != nil || v != "9.8.7" {
		t.Errorf("got %q, %v", v, err)
	}
	os.WriteFile(src, []byte("package main\n\nvar version = \"1\"\n"), 0o644)
	if _, err := libraryVersion(src); err == nil {
		t.Error("a var version was taken for the constant")
	}
}

// The precompressed copies hold misskey.wasm exactly, and the build keeps
// them when misskey.wasm did not change.
func TestCompressedCopies(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".gz", ".br"} {
		b, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if got := decode(t, ext[1:], b); !bytes.Equal(got, wasm) {
			t.Errorf("misskey.wasm%s decodes to %d bytes, not misskey.wasm's %d", ext, len(got), len(wasm))
		}
		if len(b) > len(wasm)/4 {
			t.Errorf("misskey.wasm%s is %d bytes of %d", ext, len(b), len(wasm))
		}
	}
	// Again, into a folder holding a current .gz and a stale .br.
	dir := t.TempDir()
	path := filepath.Join(dir, "misskey.wasm")
	gz, _ := os.ReadFile(filepath.Join(testDist, "misskey.wasm.gz"))
	os.WriteFile(path+".gz", gz, 0o644)
	os.WriteFile(path+".br", []byte("stale"), 0o644)
	var log bytes.Buffer
	gotGz, gotBr, err := compressedCopies(&log, path, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gotGz, gz) || !strings.Contains(log.String(), "compressing misskey.wasm.br (") {
		t.Errorf("a current .gz was made again, or the stale .br not: %s", log.String())
	}
	if b, _ := os.ReadFile(path + ".br"); !bytes.Equal(b, gotBr) || !bytes.Equal(decode(t, "br", b), wasm) {
		t.Error("the stale .br was not replaced")
	}
}

func decode(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch coding {
	case "gzip", "gz":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "":
		return b
	default:
		t.Fatalf("coding %q", coding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", coding, err)
	}
	return out
}

// get sends a request as a browser would, with the Accept-Encoding given
// (none: no header), and reads the body as it came on the wire.
func get(t *testing.T, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// No transparent gzip: the body as sent.
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func TestWasmOnTheWire(t *testing.T) {
	srv := httptest.NewServer(newHandler(".", testDist, ""))
	defer srv.Close()
	url := srv.URL + "/dist/misskey.wasm"
	wasm, err := os.ReadFile(filepath.Join(testDist, "misskey.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	tags := map[string]string{}
	for _, c := range []struct {
		accept, coding string
	}{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"}, // Chromium's
		{"gzip, deflate", "gzip"},
		{"br;q=0.5, gzip", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0.1, br;q=0", "gzip"},
		{"BR", "br"},
		{"x-unknown", ""},
	} {
		res, body := get(t, "GET", url, "Accept-Encoding", c.accept)
		h := res.Header
		if res.StatusCode != 200 {
			t.Fatalf("Accept-Encoding %q: HTTP %d", c.accept, res.StatusCode)
		}
		if got := h.Get("Content-Encoding"); got != c.coding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, got, c.coding)
		}
		if h.Get("Content-Type") != "application/wasm" || h.Get("Vary") != "Accept-Encoding" || h.Get("Cache-Control") != "no-cache" {
			t.Errorf("Accept-Encoding %q: Content-Type %q, Vary %q, Cache-Control %q", c.accept, h.Get("Content-Type"), h.Get("Vary"), h.Get("Cache-Control"))
		}
		if n, _ := strconv.Atoi(h.Get("Content-Length")); n != len(body) {
			t.Errorf("Accept-Encoding %q: Content-Length %q for %d bytes", c.accept, h.Get("Content-Length"), len(body))
		}
		if c.coding != "" && h.Get("X-Decoded-Content-Length") != strconv.Itoa(len(wasm)) {
			t.Errorf("Accept-Encoding %q: X-Decoded-Content-Length %q, want %d", c.accept, h.Get("X-Decoded-Content-Length"), len(wasm))
		}
		if !bytes.Equal(decode(t, c.coding, body), wasm) {
			t.Errorf("Accept-Encoding %q: the %q body does not decode to misskey.wasm", c.accept, c.coding)
		}
		etag := h.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
			t.Errorf("Accept-Encoding %q: ETag %q", c.accept, etag)
		}
		if old, ok := tags[c.coding]; ok && old != etag {
			t.Errorf("%q: two ETags for one body: %s, %s", c.coding, old, etag)
		}
		tags[c.coding] = etag
		sizes[c.coding] = len(body)

		// Revalidation: 304, no body, the same ETag; another coding's ETag does not match.
		res, body = get(t, "GET", url, "Accept-Encoding", c.accept, "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != etag || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q, If-None-Match: HTTP %d, %d bytes, ETag %q", c.accept, res.StatusCode, len(body), res.Header.Get("ETag"))
		}
	}
	if len(map[string]bool{tags[""]: true, tags["gzip"]: true, tags["br"]: true}) != 3 {
		t.Errorf("the three codings share ETags: %v", tags)
	}
	res, _ := get(t, "GET", url, "Accept-Encoding", "gzip", "If-None-Match", tags["br"])
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip with the br ETag: HTTP %d %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	// HEAD: the same headers, no body.
	res, body := get(t, "HEAD", url, "Accept-Encoding", "br")
	if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Length") != strconv.Itoa(sizes["br"]) || res.Header.Get("Content-Encoding") != "br" {
		t.Errorf("HEAD: HTTP %d, %d bytes, Content-Length %q", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}
	t.Logf("misskey.wasm on the wire: identity %d bytes, gzip %d, br %d", sizes[""], sizes["gzip"], sizes["br"])
	if !(sizes["br"] < sizes["gzip"] && sizes["gzip"] < sizes[""]/4) {
		t.Errorf("sizes %v", sizes)
	}

	// Files without a compressed copy: identity, no Vary, ETag and revalidation.
	for _, p := range []string{"/dist/misskey.js", "/dist/wasm_exec.js", "/", "/app.js"} {
		res, body := get(t, "GET", srv.URL+p, "Accept-Encoding", "gzip, deflate, br, zstd")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" || res.Header.Get("Vary") != "" || res.Header.Get("Cache-Control") != "no-cache" || len(body) == 0 {
			t.Errorf("%s: HTTP %d, Content-Encoding %q, Vary %q, Cache-Control %q", p, res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), res.Header.Get("Cache-Control"))
		}
		res, _ = get(t, "GET", srv.URL+p, "If-None-Match", res.Header.Get("ETag"))
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidated: HTTP %d", p, res.StatusCode)
		}
	}
	if res, _ := get(t, "GET", srv.URL+"/dist/misskey.js"); !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("misskey.js: Content-Type %q", res.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/server.go", "/dist/package.json.go", "/nothing-here.js"} {
		if res, _ := get(t, "GET", srv.URL+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: HTTP %d", p, res.StatusCode)
		}
	}
	if res, _ := get(t, "POST", url); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: HTTP %d", res.StatusCode)
	}
}

// A compressed copy older than its file (a build that failed half-way, a
// hand edit) is not sent in its place.
func TestStaleCompressedCopyIgnored(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.wasm.gz"), []byte("old"), 0o644)
	old := mustStat(t, filepath.Join(dir, "a.wasm.gz")).ModTime().Add(-10 * time.Second)
	os.Chtimes(filepath.Join(dir, "a.wasm.gz"), old, old)
	os.WriteFile(filepath.Join(dir, "a.wasm"), []byte("new"), 0o644)
	srv := httptest.NewServer(staticFiles(dir))
	defer srv.Close()
	res, body := get(t, "GET", srv.URL+"/a.wasm", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "" || string(body) != "new" {
		t.Errorf("got %q with Content-Encoding %q", body, res.Header.Get("Content-Encoding"))
	}
}

func TestParseAcceptEncoding(t *testing.T) {
	for _, c := range []struct {
		header string
		want   map[string]float64 // q of br, gzip
	}{
		{"", map[string]float64{"br": 0, "gzip": 0}},
		{"gzip", map[string]float64{"br": 0, "gzip": 1}},
		{"gzip;q=0.5, br;q=0.9", map[string]float64{"br": 0.9, "gzip": 0.5}},
		{"gzip; Q=0.3", map[string]float64{"br": 0, "gzip": 0.3}},
		{"*;q=0.2", map[string]float64{"br": 0.2, "gzip": 0.2}},
		{"*, gzip;q=0", map[string]float64{"br": 1, "gzip": 0}},
		{"gzip;q=2, br;q=x", map[string]float64{"br": 0, "gzip": 0}},
		{" , ,br", map[string]float64{"br": 1, "gzip": 0}},
	} {
		a := parseAcceptEncoding(c.header)
		for coding, q := range c.want {
			if a.q(coding) != q {
				t.Errorf("%q: q(%s) = %v, want %v", c.header, coding, a.q(coding), q)
			}
		}
	}
}

func mustStat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
