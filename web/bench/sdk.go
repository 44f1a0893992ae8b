package main

// The official SDK (misskey-js) installed from npm and bundled with esbuild,
// and the download sizes of both libraries.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Pinned versions: `npm view misskey-js version` and `npm view esbuild
// version` on the day the benchmark was written.
const (
	misskeyJSVersion = "2026.5.1"
	esbuildVersion   = "0.28.2"
)

// sdkEntry is what the bundle holds: the SDK's API client, which is all a
// page needs to make the calls measured here (esbuild drops the rest).
const sdkEntry = "export { api } from \"misskey-js\";\n"

// buildSDK installs the pinned misskey-js and esbuild into dir/node_modules
// (skipped when they are already there) and bundles the SDK into one
// minified ES module, dir/misskey-js.js. npm's cache is kept in dir too.
func buildSDK(ctx context.Context, dir string) (bundle string, err error) {
	if dir, err = filepath.Abs(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	pkg := map[string]any{
		"name":        "misskey-wasm-bench",
		"private":     true,
		"description": "written by go run ./web/bench",
		"dependencies": map[string]string{
			"misskey-js": misskeyJSVersion,
			"esbuild":    esbuildVersion,
		},
	}
	b, _ := json.MarshalIndent(pkg, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "package.json"), append(b, '\n'), 0o644); err != nil {
		return "", err
	}
	if installedVersion(dir, "misskey-js") != misskeyJSVersion || installedVersion(dir, "esbuild") != esbuildVersion {
		fmt.Printf("installing misskey-js@%s and esbuild@%s from npm into %s\n", misskeyJSVersion, esbuildVersion, dir)
		// --ignore-scripts: esbuild's wrapper finds its platform binary
		// (an optional dependency) without its install script.
		cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
			"--cache", filepath.Join(dir, ".npm-cache"))
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm install: %v\n%s", err, out)
		}
	}
	entry := filepath.Join(dir, "sdk-entry.js")
	if err := os.WriteFile(entry, []byte(sdkEntry), 0o644); err != nil {
		return "", err
	}
	bundle = filepath.Join(dir, "misskey-js.js")
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "node_modules", ".bin", "esbuild"), "sdk-entry.js",
		"--bundle", "--minify", "--format=esm", "--platform=browser", "--target=es2022",
		"--log-level=warning", "--outfile=misskey-js.js")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("esbuild: %v\n%s", err, out)
	}
	return bundle, nil
}

func installedVersion(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	if json.Unmarshal(b, &p) != nil {
		return ""
	}
	return p.Version
}

// fileSize is a file's size as sent: raw, gzip -9 and brotli at quality 11.
type fileSize struct {
	Name              string
	Raw, Gzip, Brotli int
}

// sizes measures files: gzip with compress/gzip at BestCompression, brotli
// with Node's zlib.brotliCompressSync at quality 11 (the maximum).
func sizes(ctx context.Context, files []string) ([]fileSize, error) {
	out := make([]fileSize, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		out[i] = fileSize{Name: filepath.Base(f), Raw: len(b), Gzip: buf.Len()}
	}
	script := `const fs = require("fs"), zlib = require("zlib");
const out = process.argv.slice(1).map((f) => {
  const b = fs.readFileSync(f);
  return zlib.brotliCompressSync(b, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
    [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length,
  } }).length;
});
console.log(JSON.stringify(out));`
	cmd := exec.CommandContext(ctx, "node", append([]string{"-e", script}, files...)...)
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("brotli with node: %v", err)
	}
	var br []int
	if err := json.Unmarshal(b, &br); err != nil || len(br) != len(files) {
		return nil, fmt.Errorf("brotli with node: bad output %q", b)
	}
	for i := range out {
		out[i].Brotli = br[i]
	}
	return out, nil
}
