package rules

// detNewsHeadline finds a news headline's person ("Man, 51, dies after fall
// from scaffolding", "Local man, 73, recovering", "'Girl, 11, recovering
// after shark bite'"): a sentence or a quotation that opens on a kind of
// person (a sex word, an occupation or a word of news_person: "Hiker",
// "Pedestrian"; after one capitalised word at most, not a possessive), an
// age between commas, then a word in lower case. News names people by kind
// this way; a clinician's story names them by name ("Ethan, 9, cried"), by
// relation ("Her mom, 88,") or says "pt". In the eleventh session's data the
// shape opened 47 of 2,000 health-news posts and none of 28,800 clinicians'
// posts or 1,700 benign look-alikes. It reports the news_report rule, so
// weighing reads the post as a news report (weigh.go).
var detNewsHeadline = detector{
	name:    "news_headline",
	doc:     `A headline's person, age and verb: "Man, 51, dies after fall from scaffolding".`,
	shapes:  []string{"news_headline"},
	classes: []string{"sex_word", "occupation", "patient_noun"},
	cues:    []string{"possessive", "case_article", "news_person"},
	pass:    (*Engine).detectNewsHeadline,
}

func (e *Engine) detectNewsHeadline(text string, st *scanState) {
	r := e.ruleOf(shNewsHeadline)
	if r < 0 {
		return
	}
	toks := st.toks
	cls := &e.b.cls
	for i := 1; i+1 < len(toks); i++ {
		t := &toks[i]
		if t.flags&(tDigit|tLetter) != tDigit || t.gap != gapSoft || text[toks[i-1].end] != ',' ||
			int(t.end) >= len(text) || text[t.end] != ',' {
			continue
		}
		if a := atoi(text[t.start:t.end]); a <= 0 || a >= 120 {
			continue
		}
		// The person: a kind of person, not a name or a patient.
		p := &toks[i-1]
		if e.classOf(toks, i-1)&(cls.sexWord|cls.occupation) == 0 && !e.b.cue.newsPerson.has(text, *p) ||
			e.classOf(toks, i-1)&cls.patientNoun != 0 {
			continue
		}
		// It opens the sentence or quotation, with one capitalised word
		// before it at most ("Local man", "Dairy farmer").
		k := i - 1
		if k > 0 && p.gap <= gapSpace && toks[k-1].flags&tUpper != 0 && toks[k-1].lex >= 0 {
			if e.b.cue.possessive.has(text, toks[k-1]) || e.b.cue.caseArticle.has(text, toks[k-1]) {
				continue // "Her mom, 88,", "The man, 51, was seen": a story's person
			}
			k--
		}
		if toks[k].flags&tUpper == 0 || k > 0 && toks[k].gap < gapSoft {
			continue
		}
		// Then what happened to them, in lower case: "dies", "airlifted".
		v := &toks[i+1]
		if v.gap != gapSoft || v.flags&(tLetter|tUpper|tDigit) != tLetter {
			continue
		}
		st.addTokens(r, k, i+2)
		return
	}
}
