package wasmpack

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Hand-made modules: mod(sec(...), ...) is a module of those sections.

func mod(secs ...[]byte) []byte { return append(bytes.Clone(header), bytes.Join(secs, nil)...) }

func sec(id byte, payload []byte) []byte {
	return append(appendUleb128([]byte{id}, uint64(len(payload))), payload...)
}

// seg is the encoding of an active segment of memory 0 at offset.
func seg(offset uint32, data ...byte) []byte {
	b := appendSleb128([]byte{0x00, 0x41}, int64(int32(offset)))
	b = append(b, 0x0b)
	return append(appendUleb128(b, uint64(len(data))), data...)
}

func dataSec(segs ...[]byte) []byte {
	return sec(secData, append(appendUleb128(nil, uint64(len(segs))), bytes.Join(segs, nil)...))
}

func dataCountSec(n uint64) []byte { return sec(secDataCount, appendUleb128(nil, n)) }

// memSec declares one memory of min pages, so that the hand-made modules
// also instantiate where a test runs them.
func memSec(pages byte) []byte { return sec(5, []byte{1, 0x00, pages}) }

func zeros(n int) []byte { return make([]byte, n) }

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

func mustPack(t *testing.T, in []byte, maxGap int) []byte {
	t.Helper()
	out, err := Pack(in, maxGap)
	if err != nil {
		t.Fatalf("Pack: %v", err)
	}
	checkSameMemory(t, in, out)
	return out
}

func checkSameMemory(t testing.TB, in, out []byte) {
	t.Helper()
	a, err := MemoryImage(in)
	if err != nil {
		t.Fatalf("MemoryImage(input): %v", err)
	}
	b, err := MemoryImage(out)
	if err != nil {
		t.Fatalf("MemoryImage(packed): %v", err)
	}
	if !a.Equal(b) {
		t.Fatalf("memory image changed:\nbefore %+v\nafter  %+v", a, b)
	}
}

// checkOtherSections asserts that every section but data and DataCount is
// byte for byte the same, in the same order.
func checkOtherSections(t testing.TB, in, out []byte) {
	t.Helper()
	others := func(b []byte) [][]byte {
		secs, err := parseModule(b)
		if err != nil {
			t.Fatal(err)
		}
		var raw [][]byte
		for _, s := range secs {
			if s.id != secData && s.id != secDataCount {
				raw = append(raw, s.raw)
			}
		}
		return raw
	}
	a, b := others(in), others(out)
	if len(a) != len(b) {
		t.Fatalf("%d other sections before, %d after", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("section %d (id %d) changed", i, a[i][0])
		}
	}
}

func TestRefused(t *testing.T) {
	good := seg(16, 1, 2, 3)
	cases := map[string][]byte{
		"empty":                     nil,
		"bad magic":                 append([]byte("\x00asn"), header[4:]...),
		"version 2":                 {0, 'a', 's', 'm', 2, 0, 0, 0},
		"header cut":                header[:6],
		"section size cut":          cat(header, []byte{secData, 0x80}),
		"section size too long":     cat(header, []byte{secCustom, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
		"section size over 32 bits": cat(header, []byte{secCustom, 0xff, 0xff, 0xff, 0xff, 0x1f}),
		"section cut":               cat(header, []byte{secCustom, 5, 1, 'a'}),
		"trailing byte":             cat(mod(dataSec(good)), []byte{0x00}),
		"trailing garbage":          cat(mod(dataSec(good)), []byte{0xff, 0xff}),
		"unknown section id":        mod(sec(14, nil)),
		"two data sections":         mod(dataSec(good), dataSec(good)),
		"count past payload":        mod(sec(secData, []byte{2})),
		"count cut":                 mod(sec(secData, []byte{0x80})),
		"segment cut":               mod(sec(secData, cat([]byte{1}, good[:len(good)-1]))),
		"segment length past end":   mod(sec(secData, []byte{1, 0, 0x41, 0, 0x0b, 9, 1, 2, 3, 4})),
		"passive segment (flags 1)": mod(sec(secData, []byte{1, 1, 3, 1, 2, 3})),
		"explicit memory (flags 2)": mod(sec(secData, []byte{1, 2, 0, 0x41, 0, 0x0b, 1, 7})),
		"flags too long":            mod(sec(secData, []byte{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 0x41, 0, 0x0b, 1, 7})),
		"global.get offset":         mod(sec(secData, []byte{1, 0, 0x23, 0, 0x0b, 1, 7})),
		"i64.const offset":          mod(sec(secData, []byte{1, 0, 0x42, 0, 0x0b, 1, 7})),
		"offset expression goes on": mod(sec(secData, []byte{1, 0, 0x41, 1, 0x41, 2, 0x6a, 0x0b, 1, 7})),
		"offset expression no end":  mod(sec(secData, []byte{1, 0, 0x41, 1, 0x00, 1, 7})),
		"offset too long":           mod(sec(secData, []byte{1, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b, 1, 7})),
		"offset out of i32 range":   mod(sec(secData, []byte{1, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b, 1, 7})),
		"offset cut":                mod(sec(secData, []byte{1, 0, 0x41, 0x80})),
		"segment past 4 GiB":        mod(dataSec(seg(0xffff_fffe, 1, 2, 3))),
		"overlapping":               mod(dataSec(seg(16, 1, 2, 3, 4), seg(18, 5))),
		"overlapping, reversed":     mod(dataSec(seg(18, 5), seg(16, 1, 2, 3, 4))),
		"same offset":               mod(dataSec(seg(16, 1), seg(16, 2))),
		"bytes after the segments":  mod(sec(secData, cat([]byte{1}, good, []byte{0}))),
		"DataCount wrong":           mod(dataCountSec(2), dataSec(good)),
		"DataCount without data":    mod(dataCountSec(1)),
		"DataCount trailing":        mod(sec(secDataCount, []byte{1, 0}), dataSec(good)),
		"DataCount cut":             mod(sec(secDataCount, []byte{0x80}), dataSec(good)),
		// memory.init 0 0 in a function body: segment numbers would change.
		"DataCount and memory.init": mod(dataCountSec(1), sec(secCode, []byte{1, 12, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b}), dataSec(good)),
		"DataCount and data.drop":   mod(dataCountSec(1), sec(secCode, []byte{1, 5, 0, 0xfc, 9, 0, 0x0b}), dataSec(good)),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			orig := bytes.Clone(in)
			if out, err := Pack(in, 256); err == nil {
				t.Fatalf("Pack accepted it: % x", out)
			} else {
				t.Log(err)
			}
			if _, err := MemoryImage(in); err == nil {
				t.Fatal("MemoryImage accepted it")
			}
			if !bytes.Equal(in, orig) {
				t.Fatal("Pack changed its input")
			}
		})
	}
	if _, err := Pack(mod(dataSec(good)), -1); err == nil {
		t.Error("Pack accepted a negative maxGap")
	}
}

func TestMergeGap(t *testing.T) {
	in := mod(memSec(1), dataSec(seg(16, 1, 2, 3), seg(16+3+10, 4, 5)))
	out := mustPack(t, in, 256)
	want := mod(memSec(1), dataSec(seg(16, cat([]byte{1, 2, 3}, zeros(10), []byte{4, 5})...)))
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	checkOtherSections(t, in, out)

	// A gap of exactly maxGap is filled, one byte more is kept.
	if out := mustPack(t, in, 10); !bytes.Equal(out, want) {
		t.Errorf("maxGap 10: got % x", out)
	}
	if out := mustPack(t, in, 9); !bytes.Equal(out, in) {
		t.Errorf("maxGap 9: got % x, want the input", out)
	}
	// Adjacent segments join even with maxGap 0.
	adj := mod(dataSec(seg(16, 1), seg(17, 2), seg(40, 3)))
	if out, want := mustPack(t, adj, 0), mod(dataSec(seg(16, 1, 2), seg(40, 3))); !bytes.Equal(out, want) {
		t.Errorf("maxGap 0: got % x\nwant % x", out, want)
	}
}

func TestGapKept(t *testing.T) {
	in := mod(dataSec(seg(100, 1), seg(101+300, 2), seg(402+5, 3)))
	out := mustPack(t, in, 256)
	want := mod(dataSec(seg(100, 1), seg(401, 2, 0, 0, 0, 0, 0, 3)))
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	segs, err := Segments(out)
	if err != nil || len(segs) != 2 {
		t.Fatalf("Segments: %v, %v", segs, err)
	}
}

func TestDataCount(t *testing.T) {
	custom := sec(secCustom, []byte("\x04note-kept"))
	code := sec(secCode, []byte{1, 2, 0, 0x0b}) // one empty function body
	in := mod(custom, dataCountSec(3), code, dataSec(seg(8, 1), seg(10, 2), seg(1000, 3)), custom)
	out := mustPack(t, in, 16)
	want := mod(custom, dataCountSec(2), code, dataSec(seg(8, 1, 0, 2), seg(1000, 3)), custom)
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	checkOtherSections(t, in, out)
}

// Go's linker pads section sizes to 5 bytes; those sections are kept as they
// are, and the data section's own size is written minimally.
func TestOtherSectionsByteForByte(t *testing.T) {
	padded := []byte{secCustom, 0x85, 0x80, 0x80, 0x80, 0x00, 4, 'n', 'a', 'm', 'e'}
	d := dataSec(seg(4, 9), seg(6, 9)) // id, a 1-byte size, payload
	in := mod(padded, memSec(2))
	in = append(in, secData, 0x80|byte(len(d)-2), 0x80, 0x80, 0x80, 0x00) // the same size, padded
	in = append(in, d[2:]...)
	in = append(in, padded...)
	out := mustPack(t, in, 8)
	want := mod(padded, memSec(2), dataSec(seg(4, 9, 0, 9)), padded)
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	checkOtherSections(t, in, out)
}

// Offsets from 2^31 up are negative i32.const values.
func TestHighOffsets(t *testing.T) {
	in := mod(dataSec(
		seg(0x7fff_fffe, 1, 2),
		seg(0x8000_0004, 3),
		seg(0xffff_fff0, 4),
		seg(0xffff_fffc, 5, 6, 7, 8), // ends at exactly 2^32
	))
	// 0x80000004 is the i32 -2147483644: 84 80 80 80 78.
	if enc, want := seg(0x8000_0004, 3), []byte{0, 0x41, 0x84, 0x80, 0x80, 0x80, 0x78, 0x0b, 1, 3}; !bytes.Equal(enc, want) {
		t.Fatalf("seg encodes % x, want % x", enc, want)
	}
	segs, err := Segments(in)
	if err != nil {
		t.Fatal(err)
	}
	wantOffsets := []uint32{0x7fff_fffe, 0x8000_0004, 0xffff_fff0, 0xffff_fffc}
	for i, s := range segs {
		if s.Offset != wantOffsets[i] {
			t.Errorf("segment %d at %#x, want %#x", i, s.Offset, wantOffsets[i])
		}
	}
	out := mustPack(t, in, 16)
	want := mod(dataSec(
		seg(0x7fff_fffe, 1, 2, 0, 0, 0, 0, 3),
		seg(0xffff_fff0, cat([]byte{4}, zeros(11), []byte{5, 6, 7, 8})...),
	))
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	m, err := MemoryImage(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Start != 0x7fff_fffe || m.End != 1<<32 {
		t.Errorf("image spans [%#x, %#x)", m.Start, m.End)
	}
	if _, err := m.Bytes(1 << 20); err == nil {
		t.Error("Bytes made a 2 GiB image under a 1 MiB limit")
	}
}

func TestUnsorted(t *testing.T) {
	in := mod(dataSec(seg(100, 3), seg(10, 1), seg(300, 4), seg(20, 2), seg(95)))
	out := mustPack(t, in, 16)
	want := mod(dataSec(seg(10, cat([]byte{1}, zeros(9), []byte{2})...), seg(95, 0, 0, 0, 0, 0, 3), seg(300, 4)))
	if !bytes.Equal(out, want) {
		t.Fatalf("got  % x\nwant % x", out, want)
	}
	// Segments tells the data section's own order.
	segs, _ := Segments(in)
	if len(segs) != 5 || segs[0].Offset != 100 || segs[4].Offset != 95 {
		t.Errorf("Segments: %+v", segs)
	}
}

func TestNoData(t *testing.T) {
	in := mod(memSec(1), sec(secCustom, []byte("\x01x")))
	out := mustPack(t, in, 256)
	if !bytes.Equal(out, in) {
		t.Fatalf("got % x", out)
	}
	m, err := MemoryImage(in)
	if err != nil || m.Start != 0 || m.End != 0 || len(m.Runs) != 0 {
		t.Fatalf("MemoryImage: %+v, %v", m, err)
	}
	if out := mustPack(t, mod(dataSec()), 256); !bytes.Equal(out, mod(dataSec())) {
		t.Fatalf("no segments: got % x", out)
	}
}

func TestMemoryImage(t *testing.T) {
	in := mod(dataSec(seg(20, 0, 7, 0, 0, 8, 9), seg(26, 10, 0), seg(40), seg(5, 1)))
	m, err := MemoryImage(in)
	if err != nil {
		t.Fatal(err)
	}
	want := &Memory{Start: 5, End: 40, Runs: []Segment{{5, []byte{1}}, {21, []byte{7}}, {24, []byte{8, 9, 10}}}}
	if !m.Equal(want) {
		t.Fatalf("got %+v, want %+v", m, want)
	}
	b, err := m.Bytes(100)
	if err != nil {
		t.Fatal(err)
	}
	wantBytes := make([]byte, 35)
	wantBytes[0], wantBytes[16], wantBytes[19], wantBytes[20], wantBytes[21] = 1, 7, 8, 9, 10
	if !bytes.Equal(b, wantBytes) {
		t.Fatalf("Bytes: % x", b)
	}
	// The trailing zero of the segment at 26 and the empty segment at 40
	// are bounds the module is checked against: End differs without them.
	if m2, _ := MemoryImage(mod(dataSec(seg(20, 0, 7, 0, 0, 8, 9), seg(26, 10), seg(5, 1)))); m.Equal(m2) {
		t.Error("a different End compares equal")
	}
}

func TestLEB128(t *testing.T) {
	u := []struct {
		enc  []byte
		want uint32
	}{
		{[]byte{0}, 0},
		{[]byte{0x7f}, 127},
		{[]byte{0x80, 0x01}, 128},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x00}, 0}, // padded
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffff_ffff},
	}
	for _, c := range u {
		r := reader{b: c.enc}
		if v, err := r.u32(); err != nil || v != c.want || r.pos != len(c.enc) {
			t.Errorf("u32(% x) = %d, %v", c.enc, v, err)
		}
	}
	s := []struct {
		enc  []byte
		want int32
	}{
		{[]byte{0}, 0},
		{[]byte{0x7f}, -1},
		{[]byte{0x3f}, 63},
		{[]byte{0x40}, -64},
		{[]byte{0xc0, 0x00}, 64},
		{[]byte{0xff, 0x7f}, -1}, // padded
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x07}, 0x7fff_ffff},
		{[]byte{0x80, 0x80, 0x80, 0x80, 0x78}, -0x8000_0000},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0x7f}, -1},
	}
	for _, c := range s {
		r := reader{b: c.enc}
		if v, err := r.s32(); err != nil || v != c.want || r.pos != len(c.enc) {
			t.Errorf("s32(% x) = %d, %v", c.enc, v, err)
		}
	}
	for _, bad := range [][]byte{{0xff, 0xff, 0xff, 0xff, 0x08}, {0x80, 0x80, 0x80, 0x80, 0x70}, {0x80, 0x80, 0x80, 0x80, 0x80, 0}, {0x80}} {
		r := reader{b: bad}
		if v, err := r.s32(); err == nil {
			t.Errorf("s32(% x) = %d, want an error", bad, v)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v := rng.Uint32() >> (rng.IntN(32))
		enc := appendUleb128(nil, uint64(v))
		r := reader{b: enc}
		if got, err := r.u32(); err != nil || got != v || len(enc) != uleb128Len(uint64(v)) {
			t.Fatalf("u32 round trip of %d: % x → %d, %v", v, enc, got, err)
		}
		w := int32(v)
		if rng.IntN(2) == 0 {
			w = -w
		}
		enc = appendSleb128(nil, int64(w))
		r = reader{b: enc}
		if got, err := r.s32(); err != nil || got != w || len(enc) > 5 {
			t.Fatalf("s32 round trip of %d: % x → %d, %v", w, enc, got, err)
		}
	}
}

// helloSource is a small program whose data has runs of zeros of many
// lengths, some joined and some not at maxGap 256.
const helloSource = `package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"
)

var sparse = [4096]uint32{0: 1, 3: 2, 40: 3, 100: 4, 700: 5, 2000: 6, 2001: 0xdeadbeef, 4095: 7}

var greetings = map[string]string{"en": "hello", "fr": "bonjour", "ja": "こんにちは"}

func main() {
	sum := uint64(0)
	for i, v := range sparse {
		sum += uint64(i+1) * uint64(v)
	}
	keys := make([]string, 0, len(greetings))
	for k := range greetings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s: %s\n", k, strings.ToUpper(greetings[k]))
	}
	fmt.Printf("sparse: %d\n", sum)
	fmt.Printf("sha256: %x\n", sha256.Sum256([]byte("wasmpack")))
	fmt.Println("upper Ä:", unicode.IsUpper('Ä'), "args:", len(os.Args))
}
`

// helloWant is what helloSource prints.
func helloWant() string {
	sum := uint64(1*1 + 4*2 + 41*3 + 101*4 + 701*5 + 2001*6 + 2002*0xdeadbeef + 4096*7)
	return fmt.Sprintf("en: HELLO\nfr: BONJOUR\nja: こんにちは\nsparse: %d\nsha256: %x\nupper Ä: true args: 1\n",
		sum, sha256.Sum256([]byte("wasmpack")))
}

// TestGoProgram builds a real Go program for js/wasm, packs it, and checks
// the packed module sets memory up the same, keeps the other sections, has
// fewer segments, and (where Node is installed) runs and prints the same.
func TestGoProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program (-short)")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(helloSource), 0o644); err != nil {
		t.Fatal(err)
	}
	wasmFile := filepath.Join(dir, "hello.wasm")
	build := exec.Command(goCmd, "build", "-trimpath", "-ldflags=-s -w", "-gcflags=all=-l", "-o", wasmFile, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	in, err := os.ReadFile(wasmFile)
	if err != nil {
		t.Fatal(err)
	}
	out := mustPack(t, in, 256)
	checkOtherSections(t, in, out)
	before, err := Segments(in)
	if err != nil {
		t.Fatal(err)
	}
	after, err := Segments(out)
	if err != nil {
		t.Fatal(err)
	}
	unsorted := 0 // Go 1.26's linker writes some segments out of address order
	for i := 1; i < len(before); i++ {
		if before[i].Offset < before[i-1].Offset {
			unsorted++
		}
	}
	t.Logf("segments %d (%d places out of address order) → %d, %d → %d bytes", len(before), unsorted, len(after), len(in), len(out))
	if len(after) >= len(before) || len(after) > 20 {
		t.Errorf("segments %d → %d", len(before), len(after))
	}
	// Gaps over 256 bytes stay: sparse has gaps of 2,400 bytes and more.
	for i := 1; i < len(after); i++ {
		if gap := uint64(after[i].Offset) - after[i-1].end(); gap <= 256 {
			t.Errorf("segments %d and %d left apart by %d bytes", i-1, i, gap)
		}
	}
	// Packing again changes nothing.
	if again := mustPack(t, out, 256); !bytes.Equal(again, out) {
		t.Error("packing the packed module changed it")
	}

	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node: not running the modules")
	}
	gorootCmd := exec.Command(goCmd, "env", "GOROOT")
	gorootCmd.Dir = dir
	goroot, err := gorootCmd.Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	execJS := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js")
	packedFile := filepath.Join(dir, "packed.wasm")
	if err := os.WriteFile(packedFile, out, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(file string) string {
		cmd := exec.Command(node, "--stack-size=8192", execJS, file)
		cmd.Dir = dir
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node %s: %v\n%s", filepath.Base(file), err, b)
		}
		return string(b)
	}
	orig, packed := run(wasmFile), run(packedFile)
	if packed != orig {
		t.Fatalf("the packed program printed\n%s\nthe original\n%s", packed, orig)
	}
	if want := helloWant(); orig != want {
		t.Fatalf("the program printed\n%s\nwant\n%s", orig, want)
	}
}

func FuzzPack(f *testing.F) {
	f.Add(mod(dataSec(seg(16, 1, 2, 3), seg(29, 4, 5))), uint16(256))
	f.Add(mod(dataCountSec(3), dataSec(seg(8, 1), seg(10, 2), seg(1000, 3))), uint16(16))
	f.Add(mod(dataSec(seg(100, 3), seg(10, 1), seg(300, 4), seg(20, 2), seg(95))), uint16(8))
	f.Add(mod(dataSec(seg(0x7fff_fffe, 1, 2), seg(0xffff_fffc, 5, 6, 7, 8))), uint16(0))
	f.Add(mod(memSec(1), sec(secCustom, []byte("\x01x")), dataSec(seg(0, 0, 0, 1), seg(4, 0))), uint16(1))
	f.Add(mod(dataSec(seg(16, 1, 2, 3, 4), seg(18, 5))), uint16(256))
	f.Fuzz(func(t *testing.T, in []byte, maxGap uint16) {
		orig := bytes.Clone(in)
		out, err := Pack(in, int(maxGap))
		if !bytes.Equal(in, orig) {
			t.Fatal("Pack changed its input")
		}
		if err != nil {
			if _, err2 := MemoryImage(in); err2 == nil && !strings.Contains(err.Error(), "over 4 GiB") {
				t.Fatalf("Pack refused (%v) what MemoryImage accepts", err)
			}
			return
		}
		checkSameMemory(t, in, out)
		checkOtherSections(t, in, out)
		again, err := Pack(out, int(maxGap))
		if err != nil {
			t.Fatalf("Pack refused its own output: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatal("packing twice differs from packing once")
		}
	})
}
