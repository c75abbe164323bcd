package rules

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rxPieces are the parts the generated patterns are made of: literals,
// escapes, classes, groups, flags and repetitions, including the edges of
// RE2's syntax (a literal "{", "\Q...\E", a class that starts with "]").
var rxPieces = []string{
	"a", "b", "k", "K", "é", "É", "1", "9", "-", " ", ".", "_", "ſ", "\u212a", "中",
	`\d`, `\D`, `\w`, `\W`, `\s`, `\S`, `\b`, `\B`, `\A`, `\z`, "^", "$",
	`\.`, `\-`, `\\`, `\x41`, `\x{e9}`, `\t`, `\n`, `\0`, `\101`, `\Qa.b\E`, `\Q\E`, `\Qk`,
	"[a-c]", "[^a-c]", "[]a]", "[^]a]", "[a-]", "[-a]", "[[:alpha:]]", "[[:^digit:]]", "[[:word:][:space:]]",
	`[\d\s]`, `[^\w]`, `[\W]`, "[k]", "[é-ë]", "[a-zA-Z0-9]", "[^\n]", `[\x{10000}-\x{10FFFF}]`, "[[]", "[.]",
	"{", "{,2}", "{01}", "x{", "(?i)", "(?-i)", "(?m)", "(?s)", "(?U)", "(?i:", "(?:", "(", ")", "(?P<n1>", "(?<n2>", "|",
	"*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,}", "{2,}", "{0}", "{1}", "{0,1}", "{3,5}?",
}

// TestRxParseAgreesWithSyntax generates patterns from rxPieces and checks
// that parseRx accepts exactly those package regexp accepts and that the
// Pike VM then finds the same matches as regexp on texts made of the same
// runes. It is how parseRx stands in for regexp/syntax's parser.
func TestRxParseAgreesWithSyntax(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	agree, rejected := 0, 0
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := 1 + rng.IntN(6); k > 0; k-- {
			b.WriteString(rxPieces[rng.IntN(len(rxPieces))])
		}
		src := b.String()
		want, werr := regexp.Compile(src)
		got, gerr := compileRx(src)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: regexp says %v, parseRx says %v", src, werr, gerr)
			continue
		}
		if werr != nil {
			rejected++
			continue
		}
		agree++
		compareMatches(t, src, want, got, rxTexts)
		if p, _ := want.LiteralPrefix(); !strings.HasPrefix(p, got.prefix) {
			t.Errorf("pattern %q: prefix %q is not a prefix of regexp's literal prefix %q", src, got.prefix, p)
		}
	}
	t.Logf("%d patterns compiled by both and matched alike, %d refused by both", agree, rejected)
	if agree < 5000 || rejected < 1000 {
		t.Errorf("the generator made %d valid and %d invalid patterns: too few of one kind to say much", agree, rejected)
	}
}

// rxTexts are texts made of the runes rxPieces use.
var rxTexts = []string{"", "a", "ab ab", "kK\u212a ſsS", "aé É1 9-_.", "a\nb\n\nc", "abc-123 AB_9", "中文 abcabc kkk",
	"{a{2}}", "a.b a.b", "\t1\x00A", "aaaaaaaaab", "ÉéeE", "x{y x{2}"}

// compareMatches checks that rx finds on each text the non-empty matches
// package regexp finds.
func compareMatches(t *testing.T, src string, want *regexp.Regexp, got *rx, texts []string) {
	t.Helper()
	for _, s := range texts {
		var w [][2]int
		for _, m := range want.FindAllStringIndex(s, 100) {
			if m[1] > m[0] {
				w = append(w, [2]int{m[0], m[1]})
			}
		}
		budget := rxBudget
		if diff := cmp.Diff(w, got.findAll(s, 100, &budget)); diff != "" {
			t.Errorf("pattern %q on %q (-regexp +rx):\n%s", src, s, diff)
		}
	}
}

// TestRxParseErrors checks patterns both parsers refuse, and the one kind
// parseRx refuses on purpose: Unicode classes, which a record number does
// not need and whose tables would weigh on the module.
func TestRxParseErrors(t *testing.T) {
	for _, src := range []string{`(`, `)`, `a)`, `[a`, `[z-a]`, `a**`, `a*+`, `*a`, `{2}`, `a{1001}`, `(a{500}){3}`,
		`\8`, `\C`, `\Z`, `\x{110000}`, `\xZZ`, `(?z)`, `(?-)`, `(?P<>a)`, `[[:nope:]]`, `\`, "\xff",
		`(?i`, `x{2,1}`, `x{99999999999}`} {
		if _, err := regexp.Compile(src); err == nil {
			t.Errorf("%q: regexp accepts it; the case belongs elsewhere", src)
		}
		if _, err := compileRx(src); err == nil {
			t.Errorf("%q: parseRx accepts it, regexp does not", src)
		} else if !strings.HasPrefix(err.Error(), "error parsing regexp: ") {
			t.Errorf("%q: error %q does not say it is a pattern error", src, err)
		}
	}
	for _, src := range []string{`\pL`, `\p{Greek}+`, `[\PN]`, `\P{Han}`} {
		_, err := compileRx(src)
		if err == nil || !strings.Contains(err.Error(), "Unicode classes") {
			t.Errorf("%q: got %v, want the Unicode-class error", src, err)
		}
	}
}

// FuzzRxParse checks that no pattern makes parseRx panic, that it agrees
// with package regexp on what it accepts (Unicode classes aside), and on
// what the accepted ones match.
func FuzzRxParse(f *testing.F) {
	for _, p := range rxPieces {
		f.Add(p)
	}
	f.Add(`(?i)\bMRN[-: ]?\d{6,10}\b`)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > MaxPatternBytes {
			return
		}
		want, werr := regexp.Compile(src)
		got, gerr := compileRx(src)
		if strings.Contains(src, `\p`) || strings.Contains(src, `\P`) {
			return
		}
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: regexp says %v, parseRx says %v", src, werr, gerr)
		}
		if werr == nil && gerr == nil && len(got.prog.Inst) <= MaxPatternProgram {
			compareMatches(t, src, want, got, rxTexts)
		}
	})
}
