package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/discreet-health/discreet/rules"
)

// FuzzDiagnostics renders a finding over any span of any text: no panic,
// valid UTF-8 out, and the caret sits under the span's first cell.
func FuzzDiagnostics(f *testing.F) {
	f.Add("My patient John Smith, room 214.", 11, 21)
	f.Add("今天在医院 张伟 😭 שלום", 16, 22)
	f.Add("a\tb\xffc\nd\re", 2, 7)
	f.Add(strings.Repeat("long ", 100)+"X", 500, 501)
	f.Add("", 0, 0)
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		if len(text) == 0 {
			return
		}
		start = abs(start) % len(text)
		end = start + 1 + abs(end)%(len(text)-start)
		res := rules.Result{Findings: []rules.Finding{{Rule: "test.x", Severity: rules.Warn, Start: start, End: end, Message: "m"}}}
		var out bytes.Buffer
		writeDiagnostics(&out, "f", text, res, false)
		if !utf8.Valid(out.Bytes()) {
			t.Fatalf("output is not UTF-8: %q", out.String())
		}
		lines := strings.Split(out.String(), "\n")
		if len(lines) < 4 {
			t.Fatalf("too few lines: %q", out.String())
		}
		src, mark := lines[1], lines[2]
		// The caret's cell offset in the mark line equals the span's
		// start in the source line.
		pre := strings.Index(src, " | ")
		caret := strings.Index(mark, "^")
		if pre < 0 || caret < 0 {
			t.Fatalf("no gutter or caret: %q / %q", src, mark)
		}
		lineStart := strings.LastIndexByte(text[:start], '\n') + 1
		before := text[lineStart:start]
		got, want := caret-(pre+3), cells(before)
		if want > contextCells {
			// "…" and the last contextCells-1 cells, one fewer when a
			// wide character straddles the cut.
			if got != contextCells && got != contextCells-1 {
				t.Errorf("caret at cell %d on a cut line, want %d or %d (line %q)", got, contextCells-1, contextCells, src)
			}
		} else if got != want {
			t.Errorf("caret at cell %d, want %d (line %q)", got, want, src)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}
