package rules

import (
	"strings"
	"testing"
)

// TestLowerCaseElement checks "=word": the word only as written without
// capitals, first in a phrase or later, and refused on classes.
func TestLowerCaseElement(t *testing.T) {
	e, err := Compile(&Policy{Terms: []Term{
		{Phrase: "=zq", Category: "conduct", Severity: "warn", Message: "first"},
		{Phrase: "vorpal =blix", Category: "conduct", Severity: "warn", Message: "second"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{
		"so zq today":       1,
		"so ZQ today":       0,
		"Zq at the start":   0,
		"a vorpal blix":     1,
		"a Vorpal blix":     1, // only the marked word is case-bound
		"a vorpal BLIX":     0,
		"a vorpal Blix too": 0,
	} {
		n := 0
		for _, f := range e.Scan(text).Findings {
			if f.Message == "first" || f.Message == "second" {
				n++
			}
		}
		if n != want {
			t.Errorf("%q: %d term findings, want %d", text, n, want)
		}
	}
	for _, bad := range []string{"={drug}", "!=af", "=a|{cap}"} {
		if _, err := parsePhrase(bad); err == nil || !strings.Contains(err.Error(), "plain words") {
			t.Errorf("parsePhrase(%q) = %v, want a plain-words error", bad, err)
		}
	}
}

// TestStartFilterKeepsEveryFit checks that a start's mask test on the
// next token (startRef.filter) never rules out a token that its second
// or alt element fits: the masks only save the scan elemMatch calls.
func TestStartFilterKeepsEveryFit(t *testing.T) {
	e := mustEngine(t, "")
	m := &e.b.m
	text := strings.Join([]string{
		"We proudly endorse Dana Ruiz for mayor. Our whole office endorses her, the team is endorsing too.",
		"The fat guy in room 12, the very sick lady, my patient John Smith, pt JD, the crazies are out tonight.",
		"Let natural selection do its thing. Absolute nutcase. Send me a pic of the rash, DM me your meds.",
		"Mi paciente de la cama 4, la señora del 9B, apoyamos al candidato Ramírez para alcalde.",
		"#ad use my code SAVE20, link in bio. @jess.whitaker22 take 50mg of Benadryl now. 555-201-7788.",
	}, " ")
	st := e.pool.get()
	defer e.pool.put(st)
	e.prepare(text, st)
	checked, ruled := 0, 0
	for i := 0; i+1 < len(st.toks); i++ {
		tk := &st.toks[i]
		if tk.lex < 0 {
			continue
		}
		ld := &m.lex.lead[tk.lex]
		n := &st.toks[i+1]
		for _, ref := range m.lex.starts[ld.start : ld.start+int32(ld.nStart)] {
			if !ref.filter {
				continue
			}
			checked++
			out := (n.lex < 0 || ref.nextWords&(1<<(uint32(n.lex)&63)) == 0) && n.cls&ref.nextClasses == 0
			fits := false
			if ref.second != nil {
				fits = e.elemMatch(ref.second, n, false)
			} else {
				fits = e.elemMatch(&m.patterns[ref.p].elems[1], n, false) || e.elemMatch(ref.alt, n, false)
			}
			if out && fits {
				t.Errorf("token %q then %q: the mask rules out a next token that pattern %d's element fits", text[tk.start:tk.end], text[n.start:n.end], ref.p)
			}
			if out {
				ruled++
			}
		}
	}
	if checked == 0 || ruled == 0 {
		t.Fatalf("the text tried %d filtered starts and the mask ruled out %d: the test reads nothing", checked, ruled)
	}
}

// TestFocusElement checks ">": the finding's span starts at the marked
// word, the whole phrase must still match, and the words before the mark
// must each be one required word.
func TestFocusElement(t *testing.T) {
	e, err := Compile(&Policy{Terms: []Term{
		{Phrase: "vorpal|frumious >blix {id1}", Category: "conduct", Severity: "warn", Message: "focus"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"the vorpal blix 42 again": "blix 42",
		"a frumious blix 7B":       "blix 7B",
		"just a blix 42":           "",
		"the vorpal blix today":    "",
	} {
		got := ""
		for _, f := range e.Scan(text).Findings {
			if f.Message == "focus" {
				got = text[f.Start:f.End]
			}
		}
		if got != want {
			t.Errorf("%q: span %q, want %q", text, got, want)
		}
	}
	for _, bad := range []string{">blix 42", "[vorpal] >blix", "vorpal >[blix]", "vorpal {id} >blix", "vorpal >blix >42", "vorpal !sword >blix"} {
		if _, err := parsePhrase(bad); err == nil || !strings.Contains(err.Error(), ">") {
			t.Errorf("parsePhrase(%q) = %v, want an error about \">\"", bad, err)
		}
	}
}

// TestRoomFocus checks the room rule's marked phrases: "Mrs. Feldstein in
// 7B" reports the room as "in 7B" with a fix that removes it (the name is
// its own finding), while "room 214" keeps its span and its "a room" fix.
func TestRoomFocus(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][2]string{
		"Mrs. Feldstein in 7B was so sweet today, brought us cookies.": {"in 7B", ""},
		"My patient in 12 keeps asking for ginger ale, bless him.":     {"in 12", ""},
		"My patient in room 214 fell again tonight.":                   {"room 214", "a room"},
	} {
		found := false
		for _, f := range e.Scan(text).Findings {
			if f.Rule != "privacy.room" {
				continue
			}
			found = true
			if got := text[f.Start:f.End]; got != want[0] || len(f.Fixes) != 1 || f.Fixes[0].Replacement != want[1] {
				t.Errorf("%q: room span %q with fixes %v, want %q fixed as %q", text, got, f.Fixes, want[0], want[1])
			}
		}
		if !found {
			t.Errorf("%q: no room finding", text)
		}
	}
}
