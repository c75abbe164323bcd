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

// claimReach is how many tokens apart the claim word and its target may be.
const claimReach = 8

func (e *Engine) detectProductClaim(text string, st *scanState) {
	r := e.ruleOf(shProductClaim)
	promo := e.b.ids.undisclosed
	if r < 0 || promo < 0 {
		return
	}
	promoted := st.silenced[promo] // disclosed with #ad: still a promotion
	for i := range st.hits {
		promoted = promoted || st.hits[i].rule == promo
	}
	if !promoted {
		return
	}
	toks := st.toks
	target := func(k int) bool {
		return e.classOf(toks, k)&e.b.cls.disease != 0 || isWordIn(text, toks[k], e.b.cue.healthTarget...)
	}
	for i := range toks {
		if !isWordIn(text, toks[i], e.b.cue.efficacyVerb...) {
			continue
		}
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
		st.add(r, toks, lo, hi+1, int(toks[lo].start), int(toks[hi].end))
		return // one finding a post: the claim, not each of its words
	}
}
