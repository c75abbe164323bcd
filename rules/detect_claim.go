package rules

// detProductClaim finds a health claim made for something the post
// promotes: a promotion (a code, a link, "DM me for", a gifted box: any
// match of disclosure.undisclosed, disclosed or not) and, in one
// sentence, a word of cure or guarantee ("cured", "reversed", "fixed",
// "guaranteed") near a health target ("anxiety", "my knees", a disease).
// In the writers' sets every post with all three was labelled
// misinformation; each alone is common in honest posts.
var detProductClaim = detector{
	name:    "product_claim",
	doc:     `A cure claim for a promoted product: "my knees: FIXED. code GLOW20 for 20% off".`,
	shapes:  []string{"product_claim"},
	rules:   []string{"disclosure.undisclosed"},
	classes: []string{"disease"},
	cues:    []string{"efficacy_verb", "health_target"},
	pass:    (*Engine).detectProductClaim,
}

func (e *Engine) detectProductClaim(text string, st *scanState) {
	promo := e.b.ids.undisclosed
	r, ok := e.reportsWith(shProductClaim, promo)
	if !ok {
		return
	}
	if !st.silenced[promo] && !st.hasHit(promo) { // disclosed with #ad: still a promotion
		return
	}
	toks := st.toks
	target := func(k int) bool {
		return e.classOf(toks, k)&e.b.cls.disease != 0 || e.b.cue.healthTarget.has(text, toks[k])
	}
	for i := e.b.cue.efficacyVerb.find(text, toks, 0); i < len(toks); i = e.b.cue.efficacyVerb.find(text, toks, i+1) {
		// The target before or after the claim word, in its sentence.
		lo, hi := i, i
		for j := i - 1; j >= 0 && j >= i-claimReach && toks[j+1].gap != gapHard; j-- {
			if target(j) {
				lo = j
				break
			}
		}
		if lo == i {
			for j := i + 1; j < len(toks) && j <= i+claimReach && toks[j].gap != gapHard; j++ {
				if target(j) {
					hi = j
					break
				}
			}
			if hi == i {
				continue
			}
		}
		st.addTokens(r, lo, hi+1)
		return // one finding a post: the claim, not each of its words
	}
}
