package rules

import (
	"regexp/syntax"
	"unicode/utf8"
)

// rx runs an institution's record-number pattern (RE2 syntax, parsed and
// compiled by parseRx into a regexp/syntax program) with a small Pike VM: linear time in the text
// whatever the pattern, leftmost-first matches like package regexp. The
// regexp package itself would add about 50 KB to the gzipped WebAssembly
// module, a twentieth of its budget; policies carry at most a few dozen
// patterns, run over short posts, after a literal-prefix pre-check.
type rx struct {
	prog   *syntax.Prog
	prefix string // literal every match starts with, or ""
}

func compileRx(src string) (*rx, error) {
	prog, err := parseRx(src)
	if err != nil {
		return nil, err
	}
	prefix, _ := prog.Prefix()
	return &rx{prog: prog, prefix: prefix}, nil
}

type rxThread struct {
	pc    uint32
	start int
}

// rxQueue is an ordered set of threads, one per program counter.
type rxQueue struct {
	seen    []bool
	visited []uint32 // every pc marked in seen, to clear it
	threads []rxThread
}

func (q *rxQueue) reset() {
	for _, pc := range q.visited {
		q.seen[pc] = false
	}
	q.visited = q.visited[:0]
	q.threads = q.threads[:0]
}

// add follows the empty transitions from pc, in priority order.
func (x *rx) add(q *rxQueue, pc uint32, start int, flag syntax.EmptyOp) {
	if q.seen[pc] {
		return
	}
	q.seen[pc] = true
	q.visited = append(q.visited, pc)
	inst := &x.prog.Inst[pc]
	switch inst.Op {
	case syntax.InstFail:
	case syntax.InstAlt, syntax.InstAltMatch:
		x.add(q, inst.Out, start, flag)
		x.add(q, inst.Arg, start, flag)
	case syntax.InstCapture, syntax.InstNop:
		x.add(q, inst.Out, start, flag)
	case syntax.InstEmptyWidth:
		if syntax.EmptyOp(inst.Arg)&^flag == 0 {
			x.add(q, inst.Out, start, flag)
		}
	default: // a rune instruction or a match: it waits for the next step
		q.threads = append(q.threads, rxThread{pc, start})
	}
}

// rxBudget bounds the work one match spends (thread steps): a hostile or
// unlucky pattern over a huge text stops matching rather than stalling the
// editor.
const rxBudget = 20_000_000

// rxStepsPerByte and rxMinBudget set what one scan may spend on all of a
// policy's patterns together: 150,000 steps for a 3,000-character post,
// the budget the settings backend holds a draft's patterns to, and more in
// proportion for longer texts, up to rxBudget.
const (
	rxStepsPerByte = 50
	rxMinBudget    = 150_000
)

// costProbes are 3,000-byte texts that make patterns try hard: long runs
// of letters, digits and separators with no match in sight.
var costProbes = func() []string {
	var out []string
	for _, unit := range []string{"a", "ab ", "1", "A1-", "x y. ", "12-34 "} {
		b := make([]byte, 0, 3000)
		for len(b)+len(unit) <= 3000 {
			b = append(b, unit...)
		}
		out = append(out, string(b))
	}
	return out
}()

// formatsTooSlow reports whether the record formats together spend more
// than a scan's budget on one of the probes, and the name of the format
// that used it up: such a policy would silently stop matching in the
// clinician's editor, so it is refused when it is written.
func formatsTooSlow(fs []recordFormat) (string, bool) {
	for _, text := range costProbes {
		budget := scanBudget(len(text))
		for _, f := range fs {
			f.re.findAll(text, 100, &budget)
			if budget < 0 {
				return f.name, true
			}
		}
	}
	return "", false
}

// scanBudget is the step budget of one scan of n bytes.
func scanBudget(n int) int {
	return min(max(n*rxStepsPerByte, rxMinBudget), rxBudget)
}

// find returns the leftmost-first match in text at or after pos. It spends
// at most *budget thread steps and reports no match once that is used up.
func (x *rx) find(text string, pos int, budget *int) (int, int, bool) {
	n := len(x.prog.Inst)
	cur := &rxQueue{seen: make([]bool, n)}
	next := &rxQueue{seen: make([]bool, n)}
	mStart, mEnd, matched := -1, -1, false
	prev := rune(-1)
	if pos > 0 {
		prev, _ = utf8.DecodeLastRuneInString(text[:pos])
	}
	for {
		r, w := rune(-1), 0
		if pos < len(text) {
			r, w = utf8.DecodeRuneInString(text[pos:])
		}
		flag := syntax.EmptyOpContext(prev, r)
		if !matched {
			x.add(cur, uint32(x.prog.Start), pos, flag)
		}
		*budget -= len(cur.threads) + 1
		if *budget < 0 {
			return -1, -1, false
		}
		for _, t := range cur.threads {
			inst := &x.prog.Inst[t.pc]
			if inst.Op == syntax.InstMatch {
				mStart, mEnd, matched = t.start, pos, true
				break // lower-priority threads lose
			}
			if r >= 0 && inst.MatchRune(r) {
				x.add(next, inst.Out, t.start, syntax.EmptyOpContext(r, peekRune(text, pos+w)))
			}
		}
		cur.reset()
		cur, next = next, cur
		if len(cur.threads) == 0 && (matched || pos >= len(text)) {
			return mStart, mEnd, matched
		}
		if pos >= len(text) {
			return mStart, mEnd, matched
		}
		prev = r
		pos += w
	}
}

func peekRune(text string, pos int) rune {
	if pos >= len(text) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(text[pos:])
	return r
}

// findAll returns up to max non-empty, non-overlapping matches, within the
// step budget.
func (x *rx) findAll(text string, max int, budget *int) [][2]int {
	var out [][2]int
	for pos := 0; pos <= len(text) && len(out) < max; {
		s, e, ok := x.find(text, pos, budget)
		if !ok {
			break
		}
		if e > s {
			out = append(out, [2]int{s, e})
			pos = e
		} else {
			_, w := utf8.DecodeRuneInString(text[e:])
			pos = e + max1(w)
		}
	}
	return out
}

func max1(w int) int {
	if w < 1 {
		return 1
	}
	return w
}

func (x *rx) matchString(s string) bool {
	budget := rxBudget
	_, _, ok := x.find(s, 0, &budget)
	return ok
}
