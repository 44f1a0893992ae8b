package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestSizes(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("misskey-wasm compresses: a note, a note, a note. "), 2000)
	f := filepath.Join(dir, "misskey.wasm")
	if err := os.WriteFile(f, content, 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err := sizes([]string{f})
	if err != nil {
		t.Fatal(err)
	}
	s := fs[0]
	if s.Name != "misskey.wasm" || s.Raw != len(content) || s.Gzip <= 0 || s.Brotli <= 0 || s.Gzip >= s.Raw || s.Brotli >= s.Raw {
		t.Fatalf("sizes: %+v", s)
	}
	// The figures are of streams that decode back to the file.
	var buf bytes.Buffer
	bw := brotli.NewWriterOptions(&buf, brotliOptions)
	bw.Write(content)
	bw.Close()
	if buf.Len() != s.Brotli {
		t.Fatalf("brotli: %d bytes, sizes says %d", buf.Len(), s.Brotli)
	}
	if got, err := io.ReadAll(brotli.NewReader(&buf)); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("brotli does not decode back: %v", err)
	}
	z, err := gzipBytes(content)
	if err != nil || len(z) != s.Gzip {
		t.Fatalf("gzip: %d bytes (%v), sizes says %d", len(z), err, s.Gzip)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("gzip does not decode back: %v", err)
	}
	if _, err := sizes([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("no error for a missing file")
	}
}

func TestBudgetTable(t *testing.T) {
	fs := []fileSize{
		{Name: "misskey-js.js", Raw: 1, Gzip: 1, Brotli: 1},
		{Name: "misskey.wasm", Raw: 4_854_945, Gzip: 890_001, Brotli: 670_000},
	}
	tb := budgetTable(fs)
	want := [][]string{
		{"raw", "4,854,945", "4854.9 KB", "", ""},
		{"gzip -9", "890,001", "890.0 KB", "≤ 890 KB (890,000 B)", "NO, 1 B over"},
		{"brotli q11", "670,000", "670.0 KB", "≤ 670 KB (670,000 B)", "yes, 0 B under"},
	}
	if len(tb.rows) != len(want) {
		t.Fatalf("rows: %q", tb.rows)
	}
	for i, r := range want {
		if strings.Join(tb.rows[i], "|") != strings.Join(r, "|") {
			t.Errorf("row %d: %q, want %q", i, tb.rows[i], r)
		}
	}
	var out bytes.Buffer
	writePlain(&out, nil, []*table{sizeTable(fs), tb})
	for _, s := range []string{"gzip ≤ 890 KB, brotli ≤ 670 KB", "NO, 1 B over"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the output lacks %q:\n%s", s, out.String())
		}
	}
	t.Logf("\n%s", out.String())
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 670000: "670,000", 1234567: "1,234,567", -45473: "-45,473"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
