package rules

import "strings"

// Street addresses: a number and capitalised words ending in a street
// suffix ("1428 Elm Street"), or a street name without a number after a
// preposition ("on Main St").

// detStreetNumber finds "1428 Elm Street", "12 N. Main St".
var detStreetNumber = detector{
	name:    "street_number",
	doc:     `A numbered street address: "1428 Elm Street".`,
	shapes:  []string{"street"},
	classes: []string{"street_suffix"},
	on:      kRun,
	token: func(c *tokCtx) int {
		rStreet := c.e.ruleOf(shStreet)
		if c.run.n != 1 || c.run.g[0] > 6 || rStreet < 0 {
			return 0
		}
		if end := c.e.streetAddress(c.text, c.toks, c.i); end > c.i+1 {
			c.add(rStreet, c.i, end, int(c.t.start), int(c.toks[end-1].end))
			return end
		}
		return 0
	},
}

// detStreetName finds a street named without a number: "on Main St", "the
// Elm St shooting", "5th Ave", and with its suffix in lower case, as posts
// write it: "the pharmacy on Elm street", "the clinic on 4th st".
var detStreetName = detector{
	name:    "street_name",
	doc:     `A street name after a preposition: "on Main St", "on Larkspur road".`,
	shapes:  []string{"street"},
	classes: []string{"street_suffix", "name_stop"},
	cues:    []string{"street_before", "street_suffix_lower"},
	on:      kDigitFirst | kAlnum | kWord,
	token: func(c *tokCtx) int {
		t := c.t
		rStreet := c.e.ruleOf(shStreet)
		if rStreet < 0 || t.lex < 0 || t.cls&c.e.b.cls.streetSuffix == 0 || c.i == 0 {
			return 0
		}
		if t.flags&tUpper == 0 && !c.e.b.cue.streetSuffixLower.has(c.text, *t) {
			return 0
		}
		// "Brianna Tate's CT", "Mr. Ortiz's ER visit": a suffix in capitals
		// after a possessive is a scan or a place in the hospital.
		if t.flags&tAllCaps != 0 && c.toks[c.i-1].flags&tPossessive != 0 {
			return 0
		}
		if s0 := c.e.streetBefore(c.text, c.toks, c.i); s0 >= 0 {
			c.add(rStreet, s0, c.i+1, int(c.toks[s0].start), int(t.end))
			return c.i + 1
		}
		return 0
	},
}

// detStreetBare finds a common street name alone after "on" or "off":
// "the bakery on Main", "the Walgreens on Elm tonight", "the wreck on
// 12th!". The name is one of the pack's street_common class (the commonest
// US street names, none of them a drug or a weekday), capitalised, and
// followed by the end of a clause or a lower-case word; an ordinal only by
// the end of a clause, since "on 3rd shift" and "on 5th floor" are none.
var detStreetBare = detector{
	name:    "street_bare",
	doc:     `A common street name alone after "on": "the bakery on Main", "the wreck on 12th!".`,
	shapes:  []string{"street"},
	classes: []string{"street_common"},
	cues:    []string{"street_bare_before"},
	on:      kDigitFirst | kWord,
	token: func(c *tokCtx) int {
		t, toks, text, i := c.t, c.toks, c.text, c.i
		rStreet := c.e.ruleOf(shStreet)
		if rStreet < 0 || i == 0 || t.flags&tUpper == 0 && t.flags&tDigit == 0 || t.flags&tAllCaps != 0 && t.end-t.start > 1 ||
			t.gap > gapSpace || !c.e.b.cue.streetBareBefore.has(text, toks[i-1]) {
			return 0
		}
		end := i+1 == len(toks) || toks[i+1].gap >= gapSoft
		if t.flags&tDigit != 0 {
			if !isOrdinal(text[t.start:t.end]) || !end {
				return 0
			}
		} else if t.lex < 0 || t.cls&c.e.b.cls.streetCommon == 0 || !end && toks[i+1].flags&(tUpper|tDigit) != 0 {
			return 0
		}
		c.add(rStreet, i, i+1, int(t.start), int(t.end))
		return i + 1
	},
}

// detStreetPrefix finds a street or neighbourhood named after its kind, as
// Spanish writes it: "Calle Morelos", "Av. Insurgentes 1200", "Colonia
// Roma", "Calle 5". The kind is capitalised, or in lower case after an
// article ("en la avenida Colón", "del barrio San Miguel"), and the name
// follows it, capitalised or a number, so "en la calle", "paseo con mi
// perro" and "camino 10 minutos" pass.
var detStreetPrefix = detector{
	name:    "street_prefix",
	doc:     `A street named after its kind, in Spanish: "Calle Morelos", "Av. Insurgentes 1200".`,
	shapes:  []string{"street"},
	classes: []string{"street_prefix", "name_stop"},
	on:      kWord,
	token: func(c *tokCtx) int {
		t, toks, text := c.t, c.toks, c.text
		rStreet := c.e.ruleOf(shStreet)
		if rStreet < 0 || t.lex < 0 || t.cls&c.e.b.cls.streetPrefix == 0 || t.flags&tAllCaps != 0 {
			return 0
		}
		if t.flags&tUpper == 0 && (c.i == 0 || toks[c.i].gap > gapSpace || !isWordIn(text, toks[c.i-1], "la", "el", "del")) {
			return 0
		}
		end := c.i + 1
		for k := c.i + 1; k < len(toks) && k <= c.i+6 && toks[k].gap <= gapJoin; k++ {
			tk := &toks[k]
			w := text[tk.start:tk.end]
			if tk.flags&tDigit != 0 && tk.flags&tLetter == 0 {
				if len(w) <= 5 {
					end = k + 1 // "Calle 5", "Insurgentes 1200"
				}
				break
			}
			if tk.flags&tUpper != 0 && (tk.lex < 0 || tk.cls&c.e.b.cls.nameStop == 0) {
				end = k + 1
				continue
			}
			if !isSpanishLink(w) { // "Avenida de la Reforma"
				break
			}
		}
		if end == c.i+1 {
			return 0
		}
		c.add(rStreet, c.i, end, int(t.start), int(toks[end-1].end))
		return end
	},
}

// isSpanishLink reports the small words inside Spanish place names.
func isSpanishLink(w string) bool {
	switch strings.ToLower(w) {
	case "de", "del", "la", "las", "los", "el", "y":
		return true
	}
	return false
}
