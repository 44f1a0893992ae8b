package main

// The build of the library into dist/ (`make build`, `go run ./web -build
// dist`): an npm package, built, not published.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/misskey-wasm/misskey-wasm/web/internal/wasmpack"
)

// packageFiles are the files of the npm package dist/ is (package.json's
// "files"). The precompressed misskey.wasm.gz and .br are for hosting
// dist/ as it is (see staticFiles), not part of the package: a bundler
// copies misskey.wasm and the host compresses what it serves.
var packageFiles = []string{"misskey.js", "misskey.d.ts", "misskey-api.d.ts", "misskey.wasm", "wasm_exec.js", "LICENSE"}

// buildDist builds the library into dir: misskey.wasm (and its gzip and
// brotli copies), the wasm_exec.js of the same Go toolchain, misskey.js,
// its types, LICENSE and package.json. It says what it does on log, and
// during a long step says so again every few seconds.
func buildDist(dir string, log io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(log, "build: "+format+"\n", args...) }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	ver, err := libraryVersion(filepath.Join(root, "wasm", "api.go"))
	if err != nil {
		return err
	}
	out, err := filepath.Abs(filepath.Join(dir, "misskey.wasm"))
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	defer os.Remove(tmp)

	say("compiling ./wasm for the browser (GOOS=js GOARCH=wasm); the first time, with Go's standard library for wasm")
	var output bytes.Buffer
	cmd := exec.Command("go", "build", "-tags=misskey_nodefaults", "-trimpath", "-ldflags=-s -w", "-gcflags=all=-l", "-o", tmp, "./wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout = io.MultiWriter(log, &output) // "go: downloading …" lines, and errors
	cmd.Stderr = cmd.Stdout
	if err := during(log, "compiling", cmd.Run); err != nil {
		if log == io.Discard {
			return fmt.Errorf("go build ./wasm: %v\n%s", err, output.Bytes())
		}
		return fmt.Errorf("go build ./wasm: %v", err)
	}

	// Join the data segments Go's linker splits at every run of zeros: the
	// same memory image in far fewer segments, which compress better.
	say("packing misskey.wasm (joining its data segments)")
	wasm, err := os.ReadFile(tmp)
	if err != nil {
		return err
	}
	if wasm, err = wasmpack.Pack(wasm, 256); err != nil {
		return fmt.Errorf("pack %s: %v", out, err)
	}
	if err := writeIfChanged(out, wasm); err != nil {
		return err
	}

	// The compressed copies, made again only when misskey.wasm changed.
	var gz, br []byte
	if gz, br, err = compressedCopies(log, out, wasm); err != nil {
		return err
	}

	say("copying wasm_exec.js, misskey.js, the types and LICENSE; writing package.json (version %s)", ver)
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	copies := map[string]string{
		filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"): "wasm_exec.js",
		filepath.Join(root, "wasm", "misskey.js"):                                       "misskey.js",
		filepath.Join(root, "wasm", "misskey.d.ts"):                                     "misskey.d.ts",
		filepath.Join(root, "wasm", "misskey-api.d.ts"):                                 "misskey-api.d.ts",
		filepath.Join(root, "LICENSE"):                                                  "LICENSE",
	}
	for src, name := range copies {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := writeIfChanged(filepath.Join(dir, name), b); err != nil {
			return err
		}
	}
	pkg, err := packageJSON(ver)
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(dir, "package.json"), pkg); err != nil {
		return err
	}
	say("%s ready: misskey.wasm %s, misskey.wasm.gz %s, misskey.wasm.br %s", dir, kb(len(wasm)), kb(len(gz)), kb(len(br)))
	return nil
}

// during runs f, and while it runs says every few seconds that it still
// does (on a terminal, one line that counts the seconds).
func during(log io.Writer, what string, f func() error) error {
	if log == io.Discard {
		return f()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tty := isTerminal(log)
		every := 5 * time.Second
		if tty {
			every = time.Second
		}
		start := time.Now()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if tty {
					fmt.Fprint(log, "\r\033[K")
				}
				return
			case <-t.C:
				s := int(time.Since(start).Round(time.Second).Seconds())
				if tty {
					fmt.Fprintf(log, "\rbuild: … still %s (%d s)", what, s)
				} else {
					fmt.Fprintf(log, "build: … still %s (%d s)\n", what, s)
				}
			}
		}
	}()
	err := f()
	close(done)
	wg.Wait()
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// compressedCopies writes path.gz (gzip, best compression) and path.br
// (brotli, quality 11), each at the same time on its own core, unless the
// existing copy already holds exactly wasm.
func compressedCopies(log io.Writer, path string, wasm []byte) (gz, br []byte, err error) {
	type job struct {
		ext      string
		compress func([]byte) ([]byte, error)
		decode   func(io.Reader) (io.Reader, error)
		out      *[]byte
	}
	jobs := []job{
		{".gz", gzipBest, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }, &gz},
		{".br", brotliBest, func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }, &br},
	}
	var todo []job
	for _, j := range jobs {
		old, err := os.ReadFile(path + j.ext)
		if err == nil && decodesTo(old, wasm, j.decode) {
			*j.out = old
			continue
		}
		todo = append(todo, j)
	}
	if len(todo) == 0 {
		fmt.Fprintf(log, "build: misskey.wasm.gz and misskey.wasm.br are current\n")
		return gz, br, nil
	}
	names := make([]string, len(todo))
	for i, j := range todo {
		names[i] = filepath.Base(path) + j.ext
	}
	fmt.Fprintf(log, "build: compressing %s (gzip -9, brotli q11: about 15 s)\n", strings.Join(names, " and "))
	errs := make([]error, len(todo))
	err = during(log, "compressing", func() error {
		var wg sync.WaitGroup
		for i, j := range todo {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := j.compress(wasm)
				if err == nil {
					err = os.WriteFile(path+j.ext, b, 0o644)
				}
				*j.out, errs[i] = b, err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	})
	return gz, br, err
}

func decodesTo(compressed, want []byte, decode func(io.Reader) (io.Reader, error)) bool {
	r, err := decode(bytes.NewReader(compressed))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(r)
	return err == nil && bytes.Equal(got, want)
}

func gzipBest(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func brotliBest(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: 11, LGWin: 24})
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeIfChanged writes b to path unless path already holds b, so that a
// build that changed nothing keeps the files' times (and so the ETags and
// Last-Modified a browser revalidates against).
func writeIfChanged(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	return os.WriteFile(path, b, 0o644)
}

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }

// libraryVersion reads the constant version from the bindings' source
// (wasm/api.go), the one place the version is written.
func libraryVersion(apiGo string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), apiGo, nil, parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, name := range v.Names {
				if name.Name != "version" || i >= len(v.Values) {
					continue
				}
				if lit, ok := v.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return "", fmt.Errorf("%s: no const version = \"…\"", apiGo)
}

// packageJSON is dist/package.json. The condition order of "." matters
// (the first that matches wins: "types" before "default"), hence structs.
func packageJSON(version string) ([]byte, error) {
	type conditions struct {
		Types   string `json:"types"`
		Default string `json:"default"`
	}
	type exports struct {
		Root        conditions `json:"."`
		Wasm        string     `json:"./misskey.wasm"`
		WasmExec    string     `json:"./wasm_exec.js"`
		PackageJSON string     `json:"./package.json"`
	}
	pkg := struct {
		Name        string   `json:"name"`
		Version     string   `json:"version"`
		Description string   `json:"description"`
		License     string   `json:"license"`
		Homepage    string   `json:"homepage"`
		Type        string   `json:"type"`
		Main        string   `json:"main"`
		Types       string   `json:"types"`
		Exports     exports  `json:"exports"`
		Files       []string `json:"files"`
		SideEffects []string `json:"sideEffects"`
	}{
		Name:        "misskey-wasm",
		Version:     version,
		Description: "Talk to Misskey servers from a web page: MiAuth sign-in, API calls, drive uploads, streaming. Go compiled to WebAssembly.",
		License:     "MIT",
		Homepage:    "https://github.com/misskey-wasm/misskey-wasm",
		Type:        "module",
		Main:        "./misskey.js",
		Types:       "./misskey.d.ts",
		Exports: exports{
			Root:        conditions{Types: "./misskey.d.ts", Default: "./misskey.js"},
			Wasm:        "./misskey.wasm",
			WasmExec:    "./wasm_exec.js",
			PackageJSON: "./package.json",
		},
		Files: packageFiles,
		// misskey.js has no side effects of its own; wasm_exec.js sets
		// globalThis.Go, which misskey.js imports it for.
		SideEffects: []string{"./wasm_exec.js"},
	}
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
