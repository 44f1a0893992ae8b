package main

// Statistics and the output tables (plain text and Markdown).

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// quantile is the nearest-rank quantile q (0 < q ≤ 1) of xs.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return s[i]
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }
func p95(xs []float64) float64    { return quantile(xs, 0.95) }

func ms(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	switch {
	case x < 10:
		return fmt.Sprintf("%.3f", x)
	case x < 100:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

func signedMs(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%+.3f ms", x)
}

func ratio(a, b float64) string {
	if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

// kb is n bytes in KB of 1000 bytes.
func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }

// thousands is n with its digits grouped by commas: 1,234,567.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func mib(n float64) string { return fmt.Sprintf("%.2f MiB", n/(1<<20)) }

func signedMiB(n float64) string { return fmt.Sprintf("%+.2f MiB", n/(1<<20)) }

type table struct {
	title string
	cols  []string
	rows  [][]string
	notes []string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func writePlain(w io.Writer, header []string, tables []*table) {
	for _, h := range header {
		fmt.Fprintln(w, h)
	}
	for _, t := range tables {
		fmt.Fprintf(w, "\n== %s ==\n", t.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(t.cols, "\t"))
		for _, r := range t.rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		tw.Flush()
		for _, n := range t.notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
}

func writeMarkdown(w io.Writer, header []string, tables []*table) {
	fmt.Fprintln(w, "# misskey-wasm benchmark")
	fmt.Fprintln(w)
	for _, h := range header {
		fmt.Fprintln(w, "- "+h)
	}
	for _, t := range tables {
		fmt.Fprintf(w, "\n## %s\n\n", t.title)
		fmt.Fprintln(w, "| "+strings.Join(t.cols, " | ")+" |")
		seps := make([]string, len(t.cols))
		for i := range seps {
			seps[i] = "---"
		}
		fmt.Fprintln(w, "| "+strings.Join(seps, " | ")+" |")
		for _, r := range t.rows {
			fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
		}
		if len(t.notes) > 0 {
			fmt.Fprintln(w)
			for _, n := range t.notes {
				fmt.Fprintln(w, "- "+n)
			}
		}
	}
}
