package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/discreet-health/discreet/rules"
)

// ANSI colours for the text format.
const (
	colorReset = "\x1b[0m"
	colorBold  = "\x1b[1m"
	colorRed   = "\x1b[31m"
	colorYel   = "\x1b[33m"
	colorCyan  = "\x1b[36m"
)

func severityColor(s rules.Severity) string {
	switch s {
	case rules.Block:
		return colorRed
	case rules.Warn:
		return colorYel
	}
	return colorCyan
}

// context cells shown either side of a span on a long line.
const contextCells = 50

// writeDiagnostics prints findings like a compiler's diagnostics:
//
//	post.txt:1:12: block [privacy.name] A patient's name ...
//	    1 | My patient John Smith, MRN ...
//	      |            ^~~~~~~~~
//	  = cite: 45 CFR 164.514(b)(2)(i)(A)
//	  = fix: Use initials: "[name]"
//
// Columns count display cells (East Asian wide characters and emoji are
// two), from 1. A summary line ends the output.
func writeDiagnostics(w io.Writer, name, text string, res rules.Result, color bool) {
	paint := func(c, s string) string {
		if !color {
			return s
		}
		return c + s + colorReset
	}
	for _, f := range res.Findings {
		if f.Start < 0 || f.End > len(text) || f.Start > f.End {
			fmt.Fprintf(w, "%s: %s [%s] %s (span %d-%d outside the text)\n", name, paint(severityColor(f.Severity), string(f.Severity)), f.Rule, f.Message, f.Start, f.End)
			continue
		}
		lineNo, lineStart := 1+strings.Count(text[:f.Start], "\n"), strings.LastIndexByte(text[:f.Start], '\n')+1
		lineEnd := len(text)
		if i := strings.IndexByte(text[f.Start:], '\n'); i >= 0 {
			lineEnd = f.Start + i
		}
		end := min(f.End, lineEnd) // a span over several lines is underlined on its first
		before, span, after := text[lineStart:f.Start], text[f.Start:end], text[end:lineEnd]
		col := 1 + cells(before)
		fmt.Fprintf(w, "%s:%d:%d: %s [%s] %s\n", name, lineNo, col,
			paint(colorBold+severityColor(f.Severity), string(f.Severity)), f.Rule, f.Message)

		// Cut a long line to the span and some context either side.
		if cells(before) > contextCells {
			before = "…" + tailCells(before, contextCells-1)
		}
		if cells(after) > contextCells {
			after = headCells(after, contextCells-1) + "…"
		}
		gutter := strconv.Itoa(lineNo)
		pad := strings.Repeat(" ", len(gutter))
		fmt.Fprintf(w, " %s | %s%s%s\n", gutter, clean(before), clean(span), clean(after))
		mark := "^" + strings.Repeat("~", max(cells(span)-1, 0))
		if f.End > end {
			mark += " (continues on the next lines)"
		}
		fmt.Fprintf(w, " %s | %s%s\n", pad, strings.Repeat(" ", cells(before)), paint(severityColor(f.Severity), mark))
		if f.Citation != "" {
			fmt.Fprintf(w, "  = cite: %s\n", f.Citation)
		}
		for _, x := range f.Fixes {
			fmt.Fprintf(w, "  = fix: %s: %s\n", x.Label, strconv.Quote(x.Replacement))
		}
	}
	fmt.Fprintln(w, summaryLine(res))
}

// summaryLine is e.g. "3 findings: 2 block, 1 info; post would be held for
// review".
func summaryLine(res rules.Result) string {
	n := len(res.Findings)
	if n == 0 {
		return "no findings"
	}
	counts := map[rules.Severity]int{}
	for _, f := range res.Findings {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []rules.Severity{rules.Block, rules.Warn, rules.Info} {
		if counts[s] > 0 {
			parts = append(parts, strconv.Itoa(counts[s])+" "+string(s))
		}
	}
	word := "findings"
	if n == 1 {
		word = "finding"
	}
	line := fmt.Sprintf("%d %s: %s", n, word, strings.Join(parts, ", "))
	switch {
	case res.Summary.Intercept && res.Summary.Enforce == "block":
		line += "; post would be blocked"
	case res.Summary.Intercept:
		line += "; post would be held for review"
	}
	return line
}

// clean makes text safe and aligned on one terminal line: invalid UTF-8
// becomes U+FFFD, tabs and other control characters a space.
func clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cells is the display width of s as clean prints it.
func cells(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += cellsOf(r, size)
	}
	return n
}

// tailCells returns the end of s that fits in n cells.
func tailCells(s string, n int) string {
	i := len(s)
	for w := 0; i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if w += cellsOf(r, size); w > n {
			break
		}
		i -= size
	}
	return s[i:]
}

// headCells returns the start of s that fits in n cells.
func headCells(s string, n int) string {
	i := 0
	for w := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if w += cellsOf(r, size); w > n {
			break
		}
		i += size
	}
	return s[:i]
}

// cellsOf is the width of a decoded rune; an invalid byte takes one cell.
func cellsOf(r rune, size int) int {
	if r == utf8.RuneError && size == 1 {
		return 1
	}
	return runeCells(r)
}

// runeCells is the display width of r: 0 for combining marks and zero-width
// characters, 2 for East Asian wide and fullwidth characters and emoji, 1
// otherwise. Control characters count 1, as clean prints them as a space.
func runeCells(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r),
		r == 0x200B, r == 0x200C, r == 0x200D, r == 0x2060, r == 0xFEFF,
		r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF, // variation selectors
		r >= 0x1F3FB && r <= 0x1F3FF: // skin-tone modifiers join the emoji before
		return 0
	case isWide(r):
		return 2
	}
	return 1
}

// wide lists the East Asian Wide (W) and Fullwidth (F) ranges of Unicode 15
// that matter in posts, including the emoji that terminals draw two cells
// wide.
var wide = [][2]rune{
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x23F0, 0x23F0},
	{0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267F, 0x267F},
	{0x2693, 0x2693}, {0x26A1, 0x26A1}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
	{0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
	{0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B}, {0x2728, 0x2728},
	{0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F},
	{0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF},
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F2FF},
	{0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
	{0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440},
	{0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
	{0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
	{0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF},
	{0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
}

func isWide(r rune) bool {
	lo, hi := 0, len(wide)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case r < wide[m][0]:
			hi = m
		case r > wide[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}
