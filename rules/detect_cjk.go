package rules

import (
	"strings"
	"unicode/utf8"
)

// cjkPhrases are phrases of other rules found as substrings of CJK text:
// DM me, a discount code, profanity.
var cjkPhrases = []struct{ rule, text string }{
	{"boundaries.solicit_advice", "私信我"}, {"boundaries.solicit_advice", "私信给我"}, {"boundaries.solicit_advice", "DMください"},
	{"boundaries.solicit_advice", "メッセージください"}, {"boundaries.solicit_advice", "디엠 주세요"},
	{"disclosure.undisclosed", "私のコード"}, {"disclosure.undisclosed", "割引コード"}, {"disclosure.undisclosed", "优惠码"}, {"disclosure.undisclosed", "折扣码"},
	{"disclosure.undisclosed", "クーポン"}, {"disclosure.undisclosed", "할인코드"},
	{"conduct.profanity", "他妈的"}, {"conduct.profanity", "クソ"}, {"conduct.profanity", "씨발"},
}

// detCJK finds, in Chinese, Japanese and Korean text, what the other
// detectors find by words: a patient encounter, ages, rooms, and a few
// phrases of other rules. The cue list cjk_patient holds the words for a
// patient or a stay in hospital; the text has no spaces, so they are found
// as substrings of CJK tokens.
var detCJK = detector{
	name:   "cjk",
	doc:    `Patient words, ages and rooms in CJK text: "患者", "92세", "302号室".`,
	shapes: []string{"age", "age90"},
	rules: []string{"privacy.encounter", "privacy.room", "boundaries.solicit_advice", "disclosure.undisclosed",
		"conduct.profanity"},
	cues: []string{"cjk_patient"},
	pass: (*Engine).detectCJK,
}

// detectCJK finds, in CJK text, patient words (a patient encounter), ages
// ("92세", "88岁", "95歳") and room numbers ("302号室", "12호실").
func (e *Engine) detectCJK(text string, st *scanState) {
	if !st.hasHan {
		return
	}
	toks := st.toks
	enc, hasEnc := e.b.byID["privacy.encounter"]
	rRoom := int32(-1)
	if ri, ok := e.b.byID["privacy.room"]; ok && e.enabled[ri] {
		rRoom = ri
	}
	sawCJK := false
	for i := range toks {
		t := &toks[i]
		if t.flags&tHan == 0 {
			continue
		}
		sawCJK = true
		w := text[t.start:t.end]
		if hasEnc && e.enabled[enc] {
			for _, p := range e.b.cue.cjkPatient.words {
				if k := strings.Index(w, p); k >= 0 {
					st.add(enc, toks, i, i+1, int(t.start)+k, int(t.start)+k+len(p))
					break
				}
			}
		}
		// A number right before: an age or a room.
		if i == 0 || toks[i-1].end != t.start || toks[i-1].flags&tLetter != 0 {
			continue
		}
		num := text[toks[i-1].start:toks[i-1].end]
		n := atoi(num)
		if n < 0 {
			continue
		}
		switch {
		case hasAnyPrefix(w, "세", "岁", "歳", "살", "才"):
			_, size := utf8.DecodeRuneInString(w)
			e.addAge(st, toks, i-1, i, n, true, false)
			// Extend the age spans over the unit.
			for k := len(st.hits) - 1; k >= 0 && st.hits[k].start == toks[i-1].start; k-- {
				st.hits[k].end = t.start + int32(size)
				st.hits[k].t1 = int32(i + 1)
			}
		case rRoom >= 0 && hasAnyPrefix(w, "号室", "號室", "호실", "号房", "号床", "床", "호"):
			end := int(t.start) + len(firstPrefix(w, "号室", "號室", "호실", "号房", "号床", "床", "호"))
			st.add(rRoom, toks, i-1, i+1, int(toks[i-1].start), end)
		}
	}
	// Phrases over the raw text: a word may span several CJK tokens
	// ("私のコード" mixes kanji, kana and the prolonged-sound mark).
	if sawCJK {
		for _, p := range cjkPhrases {
			if k := strings.Index(text, p.text); k >= 0 {
				if ri, ok := e.b.byID[p.rule]; ok && e.enabled[ri] {
					t0, t1 := tokenAt(toks, k), tokenAt(toks, k+len(p.text)-1)+1
					st.add(ri, toks, t0, t1, k, k+len(p.text))
				}
			}
		}
	}
}
