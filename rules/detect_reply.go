package rules

// detReplyAdvice finds medical advice to one person in a reply: a post
// that opens by addressing someone ("@dev_patel ...", "Replying to
// @jlaurent: ...") and then tells them, in the imperative, to take, stop,
// alternate or change a medicine or a dose. Phrase rules need "you
// should"; a reply's imperative needs no "you".
var detReplyAdvice = detector{
	name:    "reply_advice",
	doc:     `Advice in a reply: "@brandi_kay for a fever just alternate tylenol and ibuprofen every 2 hours".`,
	shapes:  []string{"reply_advice"},
	classes: []string{"drug", "med_any", "med_change"},
	cues:    []string{"advice_verb", "advice_lead", "advice_subject", "dose_unit"},
	pass:    (*Engine).detectReplyAdvice,
}

// replyReach is how many tokens after the verb the medicine may come.
const replyReach = 8

func (e *Engine) detectReplyAdvice(text string, st *scanState) {
	r := e.ruleOf(shReplyAdvice)
	toks := st.toks
	if r < 0 || len(toks) < 3 {
		return
	}
	// The post opens with a mention, or with "replying to" and one.
	k := replyLead(text, toks)
	if toks[k].flags&tMention == 0 {
		return
	}
	for k < len(toks) && toks[k].flags&tMention != 0 {
		k = handleEnd(text, toks, k) // the handle's own parts
	}
	cls := &e.b.cls
	for i := k; i < len(toks); i++ {
		t := &toks[i]
		verb := e.classOf(toks, i)&cls.medChange != 0 || e.b.cue.adviceVerb.has(text, *t)
		if !verb {
			continue
		}
		// The imperative: the verb opens the reply or a sentence, or
		// follows a lead-in ("just", "then", "please") that follows no
		// subject ("I just take", "she then stopped" tell, not advise).
		lead := i > k && t.gap <= gapSoft && e.b.cue.adviceLead.has(text, toks[i-1]) &&
			(i-1 == k || toks[i-1].gap == gapHard || !e.b.cue.adviceSubject.has(text, toks[i-2]))
		if !(i == k || t.gap == gapHard || lead) {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+replyReach && toks[j].gap != gapHard; j++ {
			med := e.classOf(toks, j)&(cls.drug|cls.medAny) != 0
			dose := toks[j].flags&tDigit != 0 && j+1 < len(toks) && e.b.cue.doseUnit.has(text, toks[j+1])
			if med || dose {
				end := j + 1
				if dose {
					end = j + 2
				}
				st.add(r, toks, i, end, int(t.start), int(toks[end-1].end))
				i = end - 1
				break
			}
		}
	}
}

// replyLead returns the index of the token after a post's opening
// "Replying to" ("Reply to", "Respondiendo a"; 2), or 0: where a reply's
// addressee starts.
func replyLead(text string, toks []token) int {
	if len(toks) > 2 && isWordIn(text, toks[0], "replying", "reply", "respondiendo", "respuesta") && isWordIn(text, toks[1], "to", "a") {
		return 2
	}
	return 0
}
