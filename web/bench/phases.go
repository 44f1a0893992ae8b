package main

// The measures, each run in the page through window.bench (bench.js).

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

type bench struct {
	c             config
	ctx           context.Context // the main tab
	base          string          // the page's URL
	fake          *misskeytest.Server
	origin, token string
	bob           *misskeytest.User

	libVersion      string
	isolated        bool
	warmWasmFetches int64

	cold    map[string][]float64 // case → ms
	lat     []latCase
	mem     []memRow
	stream  streamResult
	clients []string
}

type loadTimes struct {
	ImportMs float64 `json:"importMs"`
	LoadMs   float64 `json:"loadMs"`
	TotalMs  float64 `json:"totalMs"`
	Version  string  `json:"version"`
}

type sdkTimes struct {
	ImportMs float64 `json:"importMs"`
}

var clientNames = map[string]string{"lib": "misskey-wasm", "raw": "raw fetch", "sdk": "misskey-js"}

// coldStart times load() (and the imports) with the files in the HTTP cache
// (the main tab, visited again) and without (a fresh browser context each
// time: empty cache, new renderer process).
func (b *bench) coldStart() error {
	b.cold = map[string][]float64{}
	// Prime the main tab's cache.
	if err := open(b.ctx, b.base); err != nil {
		return err
	}
	if _, err := b.loadBoth(b.ctx, 0); err != nil {
		return err
	}
	// settle lets the machine calm down after a navigation or a closed tab
	// (a renderer process exiting) before a measure.
	settle := func() { time.Sleep(300 * time.Millisecond) }
	for i := range b.c.cold {
		// Without cache.
		tctx, closeTab, err := newIsolatedTab(b.ctx)
		if err != nil {
			return err
		}
		err = open(tctx, b.base)
		if err == nil {
			settle()
			var r map[string]float64
			r, err = b.loadBoth(tctx, i)
			for k, v := range r {
				b.cold[k+" cold"] = append(b.cold[k+" cold"], v)
			}
		}
		closeTab()
		if err != nil {
			return err
		}
		// With the files in the HTTP cache.
		if err := open(b.ctx, b.base); err != nil {
			return err
		}
		settle()
		before := wasmFetches.Load()
		r, err := b.loadBoth(b.ctx, i)
		b.warmWasmFetches += wasmFetches.Load() - before
		if err != nil {
			return err
		}
		for k, v := range r {
			b.cold[k+" warm"] = append(b.cold[k+" warm"], v)
		}
	}
	return nil
}

// loadBoth loads misskey-wasm and misskey-js in the page, alternating which
// goes first.
func (b *bench) loadBoth(ctx context.Context, i int) (map[string]float64, error) {
	var lt loadTimes
	var st sdkTimes
	var err error
	lib := func() error {
		lt, err = eval[loadTimes](ctx, "bench.loadLib()")
		return err
	}
	sdk := func() error {
		st, err = eval[sdkTimes](ctx, "bench.loadSDK()")
		return err
	}
	order := []func() error{lib, sdk}
	if i%2 == 1 {
		order = []func() error{sdk, lib}
	}
	for _, f := range order {
		if err := f(); err != nil {
			return nil, err
		}
	}
	b.libVersion = lt.Version
	return map[string]float64{"lib load": lt.LoadMs, "lib total": lt.TotalMs, "sdk import": st.ImportMs}, nil
}

func (b *bench) coldTable() *table {
	t := &table{
		title: fmt.Sprintf("Cold start (ms, %d runs each)", b.c.cold),
		cols:  []string{"case", "cache", "median", "p95", "min", "max", "target"},
	}
	rows := []struct{ key, name, target string }{
		{"lib load", "misskey-wasm: load()", "≤ 100 ms median (warm)"},
		{"lib total", "misskey-wasm: import(misskey.js) + load()", ""},
		{"sdk import", "misskey-js: import(bundle)", ""},
	}
	for _, r := range rows {
		for _, cache := range []string{"warm", "cold"} {
			xs := b.cold[r.key+" "+cache]
			target := r.target
			if cache == "cold" {
				target = ""
			}
			label := "warm (in HTTP cache)"
			if cache == "cold" {
				label = "none (fresh context)"
			}
			t.add(r.name, label, ms(median(xs)), ms(p95(xs)), ms(quantile(xs, 0)), ms(quantile(xs, 1)), target)
		}
	}
	t.notes = append(t.notes,
		"load(): from calling load() (misskey.js already imported) until it resolves: fetch, compile and instantiate misskey.wasm, run the Go program until its API is ready.",
		"warm: the same tab visits the page again; /dist/ and /sdk/ are served with Cache-Control: public, max-age=3600. cold: each run in a fresh browser context (empty HTTP cache, new renderer process, so no compiled code is reused).",
		fmt.Sprintf("misskey.wasm was sent by the server %d times during the %d warm runs (0: always from the HTTP cache).", b.warmWasmFetches, b.c.cold),
		"Raw fetch has nothing to load. The order of misskey-wasm and misskey-js alternates between runs; each run starts 300 ms after its page loaded.")
	return t
}

// latCase is one measured case for one client.
type latCase struct {
	name, client string
	xs           []float64
}

type batchResult struct {
	PerCall map[string][]float64 `json:"perCall"`
	InBatch map[string][]float64 `json:"inBatch"`
}

// latency measures per-call time of the three clients in the main tab,
// interleaved call by call (sequential) or batch by batch (concurrent).
func (b *bench) latency() error {
	if err := open(b.ctx, b.base); err != nil {
		return err
	}
	iso, err := eval[bool](b.ctx, "bench.crossOriginIsolated")
	if err != nil {
		return err
	}
	b.isolated = iso
	if _, err := b.loadBoth(b.ctx, 0); err != nil {
		return err
	}
	b.clients = []string{"lib", "raw", "sdk"}
	if _, err := eval[bool](b.ctx, fmt.Sprintf("bench.setup(%s, %s, %s)", js(b.origin), js(b.token), js(b.clients))); err != nil {
		return err
	}
	timeline := map[string]any{"limit": 100}
	endpoints := []struct {
		name, endpoint string
		params         map[string]any
	}{
		{"meta", "meta", map[string]any{}},
		{"notes/timeline limit 100", "notes/timeline", timeline},
	}
	for _, e := range endpoints {
		if _, err := eval[bool](b.ctx, fmt.Sprintf("bench.verify(%s, %q, %s)", js(b.clients), e.endpoint, js(e.params))); err != nil {
			return err
		}
		if _, err := eval[map[string][]float64](b.ctx, fmt.Sprintf("bench.seq(%s, %q, %s, %d)",
			js(b.clients), e.endpoint, js(e.params), b.c.warmup)); err != nil {
			return err
		}
	}
	for _, e := range endpoints {
		r, err := eval[map[string][]float64](b.ctx, fmt.Sprintf("bench.seq(%s, %q, %s, %d)",
			js(b.clients), e.endpoint, js(e.params), b.c.seq))
		if err != nil {
			return err
		}
		for _, cl := range b.clients {
			b.lat = append(b.lat, latCase{e.name + ", sequential", cl, r[cl]})
		}
		b.fake.ResetRequests()
	}
	for _, e := range endpoints {
		r, err := eval[batchResult](b.ctx, fmt.Sprintf("bench.batch(%s, %q, %s, %d, %d)",
			js(b.clients), e.endpoint, js(e.params), b.c.batches, b.c.inFlight))
		if err != nil {
			return err
		}
		for _, cl := range b.clients {
			b.lat = append(b.lat, latCase{fmt.Sprintf("%s, %d in flight: batch time / %d", e.name, b.c.inFlight, b.c.inFlight), cl, r.PerCall[cl]})
		}
		for _, cl := range b.clients {
			b.lat = append(b.lat, latCase{fmt.Sprintf("%s, %d in flight: each call's latency", e.name, b.c.inFlight), cl, r.InBatch[cl]})
		}
		b.fake.ResetRequests()
	}
	return nil
}

func (b *bench) latencyTable() *table {
	t := &table{
		title: "Per-call latency (ms)",
		cols:  []string{"case", "client", "n", "median", "p95", "×raw", "×raw p95", "×SDK", "×SDK p95", "median − raw"},
	}
	find := func(name, client string) []float64 {
		for _, l := range b.lat {
			if l.name == name && l.client == client {
				return l.xs
			}
		}
		return nil
	}
	for _, l := range b.lat {
		raw, sdk := find(l.name, "raw"), find(l.name, "sdk")
		t.add(l.name, clientNames[l.client], fmt.Sprint(len(l.xs)), ms(median(l.xs)), ms(p95(l.xs)),
			ratio(median(l.xs), median(raw)), ratio(p95(l.xs), p95(raw)),
			ratio(median(l.xs), median(sdk)), ratio(p95(l.xs), p95(sdk)), signedMs(median(l.xs)-median(raw)))
	}
	t.notes = append(t.notes,
		fmt.Sprintf("Sequential: one call at a time, clients interleaved call by call (misskey-wasm, raw, misskey-js, misskey-wasm, …), after %d unmeasured calls each.", b.c.warmup),
		fmt.Sprintf("%d in flight: %d concurrent calls of one client, clients interleaved batch by batch, %d batches each. \"batch time / %d\": the time until all %d answered, divided by %d (one sample per batch). \"each call's latency\": from the start of the batch to that call's answer (one sample per call); Chromium runs at most 6 connections per host, so calls queue.", b.c.inFlight, b.c.inFlight, b.c.batches, b.c.inFlight, b.c.inFlight, b.c.inFlight),
		"Targets: misskey-wasm ≤ 1.10× raw fetch and ≤ 1.0× misskey-js at the median.")
	return t
}

type memSample struct {
	Wasm   float64 `json:"wasm"`
	Heap   float64 `json:"heap"`
	GoRefs int     `json:"goRefs"`
}

type memRow struct {
	client                string
	load, k1, half, final memSample
}

// memory makes calls with one client per fresh browser context and reads
// the memory after load, after 1,000 calls, after half the calls and after
// all calls.
func (b *bench) memory() error {
	clients := []string{"lib", "raw", "sdk"}
	rows := make([]memRow, len(clients))
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Go(func() {
			rows[i], errs[i] = b.memoryOf(cl)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("%s: %w", clientNames[cl], errs[i])
			}
		})
	}
	wg.Wait()
	b.mem = rows
	return errors.Join(errs...)
}

func (b *bench) memoryOf(cl string) (row memRow, err error) {
	tctx, closeTab, err := newIsolatedTab(b.ctx)
	if err != nil {
		return row, err
	}
	defer closeTab()
	if err := open(tctx, b.base); err != nil {
		return row, err
	}
	switch cl {
	case "lib":
		if _, err = eval[bool](tctx, "bench.captureGo()"); err != nil {
			return row, err
		}
		_, err = eval[loadTimes](tctx, "bench.loadLib()")
	case "sdk":
		_, err = eval[sdkTimes](tctx, "bench.loadSDK()")
	}
	if err != nil {
		return row, err
	}
	if _, err := eval[bool](tctx, fmt.Sprintf("bench.setup(%s, %s, %s)", js(b.origin), js(b.token), js([]string{cl}))); err != nil {
		return row, err
	}
	row.client = cl
	if row.load, err = eval[memSample](tctx, "bench.mem()"); err != nil {
		return row, err
	}
	done := 0
	for done < b.c.memCalls {
		n := min(1000, b.c.memCalls-done)
		errs, err := eval[int](tctx, fmt.Sprintf("bench.calls(%q, %d, %d)", cl, n, b.c.memInFlight))
		if err != nil {
			return row, err
		}
		if errs > 0 {
			return row, fmt.Errorf("%d of %d calls failed", errs, n)
		}
		done += n
		b.fake.ResetRequests() // safe from several goroutines
		if done == 1000 {
			if row.k1, err = eval[memSample](tctx, "bench.mem()"); err != nil {
				return row, err
			}
		}
		if done == halfCalls(b.c.memCalls) {
			if row.half, err = eval[memSample](tctx, "bench.mem()"); err != nil {
				return row, err
			}
		}
	}
	if row.final, err = eval[memSample](tctx, "bench.mem()"); err != nil {
		return row, err
	}
	return row, nil
}

// halfCalls is the count after which the memory run takes its middle
// sample: half the calls, in the run's steps of 1,000.
func halfCalls(n int) int { return max(1000, n/2/1000*1000) }

func (b *bench) memoryTable() *table {
	n, h := b.c.memCalls, halfCalls(b.c.memCalls)
	t := &table{
		title: "Memory after many calls",
		cols: []string{"client", "measure", "after load", "after 1,000 calls", fmt.Sprintf("after %d calls", h), fmt.Sprintf("after %d calls", n),
			fmt.Sprintf("Δ %d − %d", n, h), "target"},
	}
	for _, r := range b.mem {
		if r.client == "lib" {
			t.add(clientNames[r.client], "wasm linear memory", mib(r.load.Wasm), mib(r.k1.Wasm), mib(r.half.Wasm), mib(r.final.Wasm), signedMiB(r.final.Wasm-r.half.Wasm), "Δ ≤ 2 MB")
			t.add(clientNames[r.client], "JS values held by Go", fmt.Sprint(r.load.GoRefs), fmt.Sprint(r.k1.GoRefs), fmt.Sprint(r.half.GoRefs), fmt.Sprint(r.final.GoRefs), fmt.Sprintf("%+d", r.final.GoRefs-r.half.GoRefs), "")
		}
		target := ""
		if r.client == "lib" {
			target = "Δ ≤ 2 MB"
		}
		t.add(clientNames[r.client], "JS heap (used)", mib(r.load.Heap), mib(r.k1.Heap), mib(r.half.Heap), mib(r.final.Heap), signedMiB(r.final.Heap-r.half.Heap), target)
	}
	t.notes = append(t.notes,
		fmt.Sprintf("Each client alone in a fresh browser context (the three run at the same time); calls alternate meta and notes/timeline limit 100, %d in flight.", b.c.memInFlight),
		"The target is on the second half of the run: Go's heap grows to its garbage collector's goal (twice what is live) in the first thousands of calls and then stays there (measured: 9.75 MiB after 10,000 and after 30,000 calls); growth after that would be a leak.",
		"wasm linear memory: instance.exports.mem.buffer.byteLength (it only grows). JS heap: performance.memory.usedJSHeapSize (--enable-precise-memory-info) after gc() (--js-flags=--expose-gc); it counts the whole page. JS values held by Go: live entries of wasm_exec.js's reference table (Go's js.Value handles not yet finalized by Go's GC), read from the Go object, which the memory run captures by loading wasm_exec.js first.")
	return t
}

type streamResult struct {
	pushed, received int
	before, k1, end  memSample
	elapsed          time.Duration
	stoppedByTime    bool
	errors           int
}

type streamStatus struct {
	Notes  int    `json:"notes"`
	Errors int    `json:"errors"`
	State  string `json:"state"`
}

// streaming subscribes a homeTimeline channel in a fresh browser context
// and pushes notes from the fake as fast as the page keeps up (at most
// window notes unread), up to -stream notes or -stream-time.
func (b *bench) streaming() error {
	const window = 1000
	tctx, closeTab, err := newIsolatedTab(b.ctx)
	if err != nil {
		return err
	}
	defer closeTab()
	if err := open(tctx, b.base); err != nil {
		return err
	}
	if _, err := eval[loadTimes](tctx, "bench.loadLib()"); err != nil {
		return err
	}
	if _, err := eval[bool](tctx, fmt.Sprintf("bench.setup(%s, %s, [\"lib\"])", js(b.origin), js(b.token))); err != nil {
		return err
	}
	status := func() (streamStatus, error) {
		return eval[streamStatus](tctx, "({notes: bench.streamNotes, errors: bench.streamErrors, state: bench.streamState})")
	}
	r := &b.stream
	if r.before, err = eval[memSample](tctx, "bench.mem()"); err != nil {
		return err
	}
	if _, err := eval[bool](tctx, "bench.startStream()"); err != nil {
		return err
	}
	// Post probe notes until one arrives: the channel is connected.
	pushed := 0
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.fake.PostNote(b.bob, "probe")
		pushed++
		time.Sleep(50 * time.Millisecond)
		s, err := status()
		if err != nil {
			return err
		}
		if s.Notes > 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no note arrived on the channel in 20 s (stream state %q)", s.State)
		}
	}
	// Probes posted before the channel was connected are lost: let the
	// others arrive, then count from there.
	waitFor := func(n int, limit time.Duration) (streamStatus, error) {
		end := time.Now().Add(limit)
		for {
			s, err := status()
			if err != nil || s.Notes >= n || time.Now().After(end) {
				return s, err
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	time.Sleep(200 * time.Millisecond)
	s, err := status()
	if err != nil {
		return err
	}
	start0 := s.Notes
	t0 := time.Now()
	sent := 0
	for sent < b.c.stream {
		if time.Since(t0) > b.c.streamTime {
			r.stoppedByTime = true
			break
		}
		n := min(250, b.c.stream-sent)
		for range n {
			b.fake.PostNote(b.bob, fmt.Sprintf("Streamed note %d: the timeline keeps moving, as on a busy instance.", sent))
			sent++
		}
		if s, err = waitFor(start0+sent-window, 30*time.Second); err != nil {
			return err
		}
		if s.Notes < start0+sent-window {
			return fmt.Errorf("the page fell behind: %d notes sent, %d received (stream state %q)", sent, s.Notes-start0, s.State)
		}
		if sent == 1000 || (sent > 1000 && sent-n < 1000) {
			tc := time.Now()
			if s, err = waitFor(start0+sent, 30*time.Second); err != nil {
				return err
			}
			if r.k1, err = eval[memSample](tctx, "bench.mem()"); err != nil {
				return err
			}
			t0 = t0.Add(time.Since(tc)) // not part of the session's time
		}
		b.fake.ResetRequests()
	}
	if s, err = waitFor(start0+sent, 30*time.Second); err != nil {
		return err
	}
	r.elapsed = time.Since(t0)
	r.pushed, r.received, r.errors = sent, s.Notes-start0, s.Errors
	if r.end, err = eval[memSample](tctx, "bench.mem()"); err != nil {
		return err
	}
	_, err = eval[bool](tctx, "bench.stopStream()")
	return err
}

func (b *bench) streamTable() *table {
	r := b.stream
	rate := float64(r.received) / r.elapsed.Seconds()
	t := &table{
		title: fmt.Sprintf("Streaming session: %d notes on a homeTimeline channel", r.pushed),
		cols:  []string{"measure", "before stream()", "after 1,000 notes", fmt.Sprintf("after %d notes", r.pushed), fmt.Sprintf("Δ %d − 1,000", r.pushed), "target"},
	}
	t.add("wasm linear memory", mib(r.before.Wasm), mib(r.k1.Wasm), mib(r.end.Wasm), signedMiB(r.end.Wasm-r.k1.Wasm), "")
	t.add("JS heap (used)", mib(r.before.Heap), mib(r.k1.Heap), mib(r.end.Heap), signedMiB(r.end.Heap-r.k1.Heap), "")
	t.notes = append(t.notes,
		fmt.Sprintf("%d notes sent, %d received by the channel's listener, %d stream errors, in %.1f s (%.0f notes/s): the fake posts as fast as the page keeps up (at most 1,000 unread).",
			r.pushed, r.received, r.errors, r.elapsed.Seconds(), rate),
		fmt.Sprintf("Scaled down from the real target, 1 hour at 50 messages/s = 180,000 messages: %.1f%% of the count, in %.1f%% of the time.",
			100*float64(r.pushed)/180000, 100*r.elapsed.Seconds()/3600))
	if r.stoppedByTime {
		t.notes = append(t.notes, fmt.Sprintf("Stopped by -stream-time %v before -stream %d.", b.c.streamTime, b.c.stream))
	}
	return t
}
