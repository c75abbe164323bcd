package rules

import "strings"

// Dates: numeric ("3/4/2024", "2024-03-04", "on 3/14"), a day and a month
// ("3 March", "3rd of March") and a month first ("March 3, 2024", "March
// 2024"). A date after a birth, admission, discharge or death cue is the
// patient's own: Safe Harbor's first date element, reported at block.

// detDateNumeric finds numeric dates.
var detDateNumeric = detector{
	name:    "date_numeric",
	doc:     `A numeric date: "3/4/2024", "2024-03-04", "on 3/14".`,
	shapes:  []string{"date"},
	classes: []string{"date_cue"},
	cues:    []string{"date_event", "fraction_after", "fraction_before"},
	on:      kRun,
	token: func(c *tokCtx) int {
		ok, strong := c.run.isDate(c.text, int(c.t.start), c.classOf(c.i-1)&c.e.b.cls.dateCue != 0, &c.e.b.cue)
		if !ok {
			return 0
		}
		if r := c.e.ruleOf(shDate); r >= 0 {
			h := c.add(r, c.i, c.j, c.start, c.run.end)
			// A date of birth, admission, discharge or death is the
			// patient's own: Safe Harbor's first date element.
			h.strong = strong || c.eventCue(4, &c.e.b.cue.dateEvent)
			if h.strong {
				h.sev = Block
			}
		}
		return c.j
	},
}

// detDateDayMonth finds a day before a month: "3 March", "3rd of March 2024",
// and in Spanish "3 de marzo de 2024".
var detDateDayMonth = detector{
	name:    "date_day_month",
	doc:     `A day and a month: "3 March", "3 of March, 2024", "3 de marzo de 2024".`,
	shapes:  []string{"date"},
	classes: []string{"month"},
	cues:    []string{"day_month_event"},
	on:      kRun,
	token: func(c *tokCtx) int {
		rDate := c.e.ruleOf(shDate)
		if c.run.n != 1 || c.run.g[0] > 2 || rDate < 0 {
			return 0
		}
		text, toks, i := c.text, c.toks, c.i
		k := i + 1
		es := false // Spanish: "3 de marzo de 2024"
		if k < len(toks) {
			switch w := text[toks[k].start:toks[k].end]; {
			case strings.EqualFold(w, "of"):
				k++
			case strings.EqualFold(w, "de"):
				k, es = k+1, true
			}
		}
		if k < len(toks) && c.classOf(k)&c.e.b.cls.month != 0 && toks[k].gap <= gapSpace && atoi(c.w) >= 1 && atoi(c.w) <= 31 &&
			(es && toks[k].end-toks[k].start >= 4 || !es && c.e.monthOK(text, toks, k)) {
			end := c.e.dateYear(text, toks, k+1)
			if es && end == k+1 && k+2 < len(toks) && toks[k+1].gap <= gapSpace {
				// "de 2024", "del 2024"
				if w := text[toks[k+1].start:toks[k+1].end]; strings.EqualFold(w, "de") || strings.EqualFold(w, "del") {
					if y := c.e.dateYear(text, toks, k+2); y > k+2 {
						end = y
					}
				}
			}
			h := c.add(rDate, i, end, int(c.t.start), int(toks[end-1].end))
			if c.eventCue(4, &c.e.b.cue.dayMonthEvent) {
				h.strong, h.sev = true, Block
			}
			return end
		}
		return 0
	},
}

// detDateMonth finds a month and then a day or a year: "March 3", "March
// 3rd, 2024", "March 2024".
var detDateMonth = detector{
	name:    "date_month",
	doc:     `A month and a day or year: "March 3rd, 2024", "March 2024".`,
	shapes:  []string{"date"},
	classes: []string{"month"},
	cues:    []string{"birth_cue"},
	on:      kDigitFirst | kAlnum | kWord,
	token: func(c *tokCtx) int {
		t, text, toks, i := c.t, c.text, c.toks, c.i
		rDate := c.e.ruleOf(shDate)
		if t.lex < 0 || t.cls&c.e.b.cls.month == 0 || rDate < 0 || !c.e.monthOK(text, toks, i) {
			return 0
		}
		k := i + 1
		if k >= len(toks) || toks[k].gap > gapSoft {
			return 0
		}
		kw := text[toks[k].start:toks[k].end]
		d, suf := leadingNumber(kw)
		day := d > 0 && d <= 2 && (suf == "" || suf == "st" || suf == "nd" || suf == "rd" || suf == "th") && atoi(kw[:d]) >= 1 && atoi(kw[:d]) <= 31
		year := d == 4 && suf == "" && (kw[0] == '1' || kw[0] == '2')
		if !day && !year {
			return 0
		}
		end := k + 1
		if day {
			end = c.e.dateYear(text, toks, end)
		}
		h := c.add(rDate, i, end, int(t.start), int(toks[end-1].end))
		// A birth date with a year before 1900 is history, not a patient's.
		old := end > k+1 && atoi(text[toks[end-1].start:toks[end-1].end]) < 1900 && toks[end-1].end-toks[end-1].start == 4
		if c.cue(2, &c.e.b.cue.birth) && !old {
			h.strong, h.sev = true, Block
		}
		return end
	},
}
