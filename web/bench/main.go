// Command bench measures misskey-wasm in headless Chromium against a
// hand-written fetch (the floor) and the official SDK, misskey-js, all
// calling one local fake Misskey instance (misskeytest):
//
//	make bench                          # builds dist/, then runs this
//	go run ./web/bench -dist dist       # after make build
//
// It installs the pinned misskey-js and esbuild from npm into dist/bench
// (once), bundles the SDK, and prints the figures as a table; the same
// table goes to dist/bench/results.md. It asserts nothing.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

type config struct {
	dist, out   string
	cold        int
	seq         int
	batches     int
	inFlight    int
	warmup      int
	memCalls    int
	memInFlight int
	stream      int
	streamTime  time.Duration
	timeout     time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.dist, "dist", "dist", "folder of the built library (make build)")
	flag.StringVar(&c.out, "out", "", "folder for the SDK, the browser profile and results.md (default: <dist>/bench)")
	flag.IntVar(&c.cold, "cold", 15, "cold starts per case")
	flag.IntVar(&c.seq, "n", 300, "sequential calls per client per endpoint")
	flag.IntVar(&c.batches, "batches", 100, "batches of concurrent calls per client per endpoint")
	flag.IntVar(&c.inFlight, "inflight", 32, "calls in flight per batch")
	flag.IntVar(&c.warmup, "warmup", 50, "unmeasured calls per client per endpoint before measuring")
	flag.IntVar(&c.memCalls, "mem-calls", 20000, "calls per client for the memory figures (measured after 1,000, after half and after this many)")
	flag.IntVar(&c.memInFlight, "mem-inflight", 6, "calls in flight during the memory runs")
	flag.IntVar(&c.stream, "stream", 180000, "notes pushed over the streaming channel")
	flag.DurationVar(&c.streamTime, "stream-time", 60*time.Second, "stop pushing notes after this long")
	flag.DurationVar(&c.timeout, "timeout", 6*time.Minute, "give up after this long")
	flag.Parse()
	if c.out == "" {
		c.out = filepath.Join(c.dist, "bench")
	}
	if c.memCalls < 1000 {
		log.Fatal("-mem-calls must be at least 1000")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := run(ctx, c); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w (the whole run is bounded by -timeout %v)", err, c.timeout)
		}
		log.Print(err)
		cancel()
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	started := time.Now()
	libFiles := []string{"misskey.wasm", "misskey.js", "wasm_exec.js"}
	for _, f := range libFiles {
		if _, err := os.Stat(filepath.Join(c.dist, f)); err != nil {
			return fmt.Errorf("%s is missing: run `make build` first (or `make bench`)", filepath.Join(c.dist, f))
		}
	}
	bundle, err := buildSDK(ctx, c.out)
	if err != nil {
		return err
	}
	paths := []string{bundle}
	for _, f := range libFiles {
		paths = append(paths, filepath.Join(c.dist, f))
	}
	t0 := time.Now()
	fmt.Printf("measuring download sizes…")
	fsizes, err := sizes(paths)
	if err != nil {
		fmt.Println()
		return err
	}
	fmt.Printf(" %.1f s\n", time.Since(t0).Seconds())

	// The fake instance: alice follows bob; 150 notes between them, so that
	// alice's home timeline answers 100 notes for limit 100.
	fake := misskeytest.NewServer()
	defer fake.Close()
	alice := fake.SignedIn()
	bob := fake.AddUser("bob", "Bob")
	fake.Follow(alice, bob)
	for i := range 150 {
		u, who := alice, "alice"
		if i%2 == 1 {
			u, who = bob, "bob"
		}
		fake.PostNote(u, fmt.Sprintf("Note %d by %s: a timeline needs notes of a realistic length, "+
			"with a few words, a #hashtag and a link https://example.com/%d to pack.", i, who, i))
	}
	token := fake.IssueToken(alice, "read:account")

	base, closePage, err := listen(pageHandler(c.dist, bundle))
	if err != nil {
		return err
	}
	defer closePage()

	browserDir := filepath.Join(c.out, fmt.Sprintf("chromium-%d", os.Getpid()))
	defer os.RemoveAll(browserDir)
	bctx, stopBrowser, err := startBrowser(ctx, browserDir)
	if err != nil {
		return err
	}
	defer stopBrowser()
	chromium := browserVersion(bctx)

	b := &bench{c: c, ctx: bctx, base: base, fake: fake, origin: fake.URL, token: token, bob: bob}
	steps := []struct {
		name string
		f    func() error
	}{
		{"cold start", b.coldStart},
		{"latency", b.latency},
		{"memory", b.memory},
		{"streaming", b.streaming},
	}
	for _, s := range steps {
		t0 := time.Now()
		fmt.Printf("measuring %s…", s.name)
		if err := s.f(); err != nil {
			fmt.Println()
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Printf(" %.1f s\n", time.Since(t0).Seconds())
		fake.ResetRequests()
	}

	header := []string{
		"Date: " + started.UTC().Format("2006-01-02 15:04 UTC"),
		fmt.Sprintf("Machine: %s, %d logical CPUs (%s/%s)", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH),
		"Go: " + runtime.Version() + " (this program's toolchain; `make bench` builds misskey.wasm with the same `go`)",
		"Chromium: " + chromium + ", headless",
		fmt.Sprintf("misskey-wasm: %s; misskey-js: %s (npm, bundled with esbuild %s --bundle --minify --format=esm)", b.libVersion, misskeyJSVersion, esbuildVersion),
		fmt.Sprintf("Page on %s, fake Misskey (misskeytest) on %s, both 127.0.0.1; page cross-origin isolated: %v", base, fake.URL, b.isolated),
		"Ratios are of the medians (×raw: to hand-written fetch; ×SDK: to misskey-js) unless the column says p95. Nothing here is asserted.",
	}
	tables := []*table{sizeTable(fsizes), budgetTable(fsizes), b.coldTable(), b.latencyTable(), b.memoryTable(), b.streamTable()}
	var md bytes.Buffer
	writeMarkdown(&md, header, tables)
	fmt.Println()
	writePlain(os.Stdout, header, tables)
	resPath := filepath.Join(c.out, "results.md")
	if err := os.WriteFile(resPath, md.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwritten to %s; whole run %.0f s\n", resPath, time.Since(started).Seconds())
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func sizeTable(fs []fileSize) *table {
	t := &table{
		title: "Download size (what a page must fetch)",
		cols:  []string{"file", "raw", "gzip -9", "brotli q11", "target"},
	}
	var sum fileSize
	var sdk fileSize
	for _, f := range fs {
		target := ""
		if f.Name == "misskey.wasm" {
			target = fmt.Sprintf("gzip ≤ %s, brotli ≤ %s", budgetKB(gzipBudget), budgetKB(brotliBudget))
		}
		if f.Name == "misskey-js.js" {
			sdk = f
			continue
		}
		t.add("misskey-wasm: "+f.Name, kib(f.Raw), kib(f.Gzip), kib(f.Brotli), target)
		sum.Raw += f.Raw
		sum.Gzip += f.Gzip
		sum.Brotli += f.Brotli
	}
	t.add("misskey-wasm: total", kib(sum.Raw), kib(sum.Gzip), kib(sum.Brotli), "")
	t.add("misskey-js: bundle (api only)", kib(sdk.Raw), kib(sdk.Gzip), kib(sdk.Brotli), "")
	t.add("raw fetch", "0", "0", "0", "")
	t.add("misskey-wasm total ÷ misskey-js", ratio(float64(sum.Raw), float64(sdk.Raw)),
		ratio(float64(sum.Gzip), float64(sdk.Gzip)), ratio(float64(sum.Brotli), float64(sdk.Brotli)), "")
	t.notes = append(t.notes, "KiB = 1024 B; KB = 1000 B. gzip: GNU `gzip -9` (compress/gzip at level 9 where there is none); brotli: github.com/andybalholm/brotli (the reference encoder in Go) at quality 11, window 2^24 B, as `brotli -q 11`.",
		"The misskey-js bundle is `export { api } from \"misskey-js\"`, minified: what a page needs for these calls.")
	return t
}

// The download budgets of misskey.wasm, compressed, in bytes (1 KB = 1000 B).
const (
	gzipBudget   = 890_000
	brotliBudget = 670_000
)

// budgetTable sets misskey.wasm's compressed sizes against their budgets,
// exactly.
func budgetTable(fs []fileSize) *table {
	t := &table{
		title: "misskey.wasm against its download budgets",
		cols:  []string{"misskey.wasm", "bytes", "KB", "budget", "within"},
	}
	i := slices.IndexFunc(fs, func(f fileSize) bool { return f.Name == "misskey.wasm" })
	if i < 0 {
		return t
	}
	f := fs[i]
	t.add("raw", thousands(f.Raw), kb(f.Raw), "", "")
	t.add("gzip -9", thousands(f.Gzip), kb(f.Gzip), budget(gzipBudget), within(f.Gzip, gzipBudget))
	t.add("brotli q11", thousands(f.Brotli), kb(f.Brotli), budget(brotliBudget), within(f.Brotli, brotliBudget))
	t.notes = append(t.notes, "KB = 1000 B. Within: the size is at most the budget.")
	return t
}

func budget(n int) string { return fmt.Sprintf("≤ %s (%s B)", budgetKB(n), thousands(n)) }

// budgetKB is a budget in KB: whole, as budgets are set.
func budgetKB(n int) string {
	if n%1000 == 0 {
		return thousands(n/1000) + " KB"
	}
	return kb(n)
}

func within(size, budget int) string {
	if size <= budget {
		return fmt.Sprintf("yes, %s B under", thousands(budget-size))
	}
	return fmt.Sprintf("NO, %s B over", thousands(size-budget))
}
