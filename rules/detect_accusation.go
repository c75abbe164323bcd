package rules

// detColleagueAccusation finds a named person publicly accused of
// misconduct: a person's name and, within a sentence or two, words of
// accusation ("Dr. Harlan Voss ... has been falsifying his discharge
// notes. I have screenshots.", "Brenda Kowalski ... has been
// short-counting oxycodone", "somebody report her"). A name alone is
// everyday (a shout-out, a talk) and so are the words alone (a fraud
// alert, a lecture on diversion); in the writers' sets 17 of the 18 posts
// with both near each other were labelled conduct. A sentence of praise
// ("shoutout to Dr. Lopez, who caught a diversion") is not an accusation.
var detColleagueAccusation = detector{
	name:   "colleague_accusation",
	doc:    `A named person accused in public: "Dr. Phil Kessler at Northgate Urgent Care ... Maybe stop charting drunk, doc".`,
	shapes: []string{"colleague_accusation"},
	rules:  []string{"conduct.accusation_cue", "privacy.name"},
	cues:   []string{"praise"},
	pass:   (*Engine).detectColleagueAccusation,
}

// accusationReach is how many tokens apart the name and the accusation
// may be: about two sentences.
const accusationReach = 40

func (e *Engine) detectColleagueAccusation(text string, st *scanState) {
	r := e.ruleOf(shColleagueAccusation)
	cue, name := e.b.ids.accusationCue, e.b.ids.name
	if r < 0 || cue < 0 || name < 0 {
		return
	}
	toks := st.toks
	for a := range st.hits {
		if st.hits[a].rule != cue {
			continue
		}
		ac := st.hits[a]
		for n := range st.hits {
			nh := st.hits[n]
			if nh.rule != name || nh.kind == patExample || nh.t0-ac.t1 > accusationReach || ac.t0-nh.t1 > accusationReach {
				continue
			}
			if e.praiseAround(text, toks, int(nh.t0)) {
				continue
			}
			lo, hi := min(ac.t0, nh.t0), max(ac.t1, nh.t1)
			st.add(r, toks, int(lo), int(hi), int(toks[lo].start), int(toks[hi-1].end))
			return // one finding a post
		}
	}
}

// praiseAround reports whether the sentence of token i thanks or praises
// ("shoutout to", "so proud of").
func (e *Engine) praiseAround(text string, toks []token, i int) bool {
	lo := i
	for lo > 0 && toks[lo].gap != gapHard {
		lo--
	}
	for k := lo; k < len(toks) && (k == lo || toks[k].gap != gapHard); k++ {
		if isWordIn(text, toks[k], e.b.cue.praise...) {
			return true
		}
	}
	return false
}
