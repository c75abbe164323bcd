package rules

// detColleagueAccusation finds a named person publicly accused of
// misconduct: a person's name and, within a sentence or two, words of
// accusation ("Dr. Harlan Voss ... has been falsifying his discharge
// notes. I have screenshots.", "Brenda Kowalski ... has been
// short-counting oxycodone", "somebody report her"). A name alone is
// everyday (a shout-out, a talk) and so are the words alone (a fraud
// alert, a lecture on diversion); in the 60 writers' sets every one of the
// 44 posts it finds is labelled conduct. A sentence of praise
// ("shoutout to Dr. Lopez, who caught a diversion") is not an accusation.
var detColleagueAccusation = detector{
	name:   "colleague_accusation",
	doc:    `A named person accused in public: "Dr. Phil Kessler at Northgate Urgent Care ... Maybe stop charting drunk, doc".`,
	shapes: []string{"colleague_accusation"},
	rules:  []string{"conduct.accusation_cue", "privacy.name"},
	cues:   []string{"praise"},
	pass:   (*Engine).detectColleagueAccusation,
}

func (e *Engine) detectColleagueAccusation(text string, st *scanState) {
	cue, name := e.b.ids.accusationCue, e.b.ids.name
	r, ok := e.reportsWith(shColleagueAccusation, cue, name)
	if !ok {
		return
	}
	for ac := range st.hitsOf(cue) {
		for nh := range st.hitsOf(name) {
			near := nh.t0-ac.t1 <= accusationReach && ac.t0-nh.t1 <= accusationReach
			if near && !e.praiseAround(text, st.toks, int(nh.t0)) {
				st.addTokens(r, int(min(ac.t0, nh.t0)), int(max(ac.t1, nh.t1)))
				return // one finding a post
			}
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
		if e.b.cue.praise.has(text, toks[k]) {
			return true
		}
	}
	return false
}
