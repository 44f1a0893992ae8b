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

	"github.com/andybalholm/brotli"
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

// brotliOptions are those of `brotli -q 11`: the highest quality, and a
// window of 2^24 bytes, the largest of standard brotli (what browsers
// decode), which holds a whole misskey.wasm.
var brotliOptions = brotli.WriterOptions{Quality: 11, LGWin: 24}

// sizes measures files: gzip -9 (gzipSize),
// brotli with github.com/andybalholm/brotli (a Go translation of the
// reference encoder) at brotliOptions.
func sizes(files []string) ([]fileSize, error) {
	out := make([]fileSize, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		gz, err := gzipSize(b)
		if err != nil {
			return nil, fmt.Errorf("gzip %s: %v", f, err)
		}
		br, err := brotliSize(b)
		if err != nil {
			return nil, fmt.Errorf("brotli %s: %v", f, err)
		}
		out[i] = fileSize{Name: filepath.Base(f), Raw: len(b), Gzip: gz, Brotli: br}
	}
	return out, nil
}

// gzipSize is the size of b compressed by GNU gzip -9 (the figure the size
// budget is set in), or by compress/gzip at BestCompression where there is
// no gzip command (about 1% larger).
func gzipSize(b []byte) (int, error) {
	z, err := gzipBytes(b)
	return len(z), err
}

func gzipBytes(b []byte) ([]byte, error) {
	if path, err := exec.LookPath("gzip"); err == nil {
		cmd := exec.Command(path, "-9", "-n", "-c")
		cmd.Stdin = bytes.NewReader(b)
		return cmd.Output()
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func brotliSize(b []byte) (int, error) {
	var buf bytes.Buffer
	bw := brotli.NewWriterOptions(&buf, brotliOptions)
	if _, err := bw.Write(b); err != nil {
		return 0, err
	}
	if err := bw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}
