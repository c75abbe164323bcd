package rules

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/discreet-health/discreet/rules/internal/huffman"
)

// TestDecodeModelRejectsDamage checks that a damaged model file gives an
// error naming the problem, never a panic or a model that reads past its
// end.
func TestDecodeModelRejectsDamage(t *testing.T) {
	if modelData == "" {
		t.Skip("no model embedded")
	}
	good := modelData
	m, err := decodeModel(good)
	if err != nil {
		t.Fatalf("the embedded model: %v", err)
	}
	_, k := huffman.Uvarint(good[len(modelMagic):])
	bitmap := len(modelMagic) + k + len(m.Settings) + 10 + modelHeader*modelOutputs
	// A bucket marked that holds no weights: every later bucket's
	// weights shift by one bucket, and the last runs off the end.
	empty := strings.IndexByte(good[bitmap:bitmap+1<<m.bits/8], 0) + bitmap
	marked := good[:empty] + "\x01" + good[empty+1:]
	for name, data := range map[string]string{
		"empty":            "",
		"bad magic":        "DSCM9\n" + good[6:],
		"no settings":      good[:6],
		"settings too big": good[:6] + "\xff\xff\xff\xff\x0f",
		"cut in header":    good[:len(good)-len(good)/2],
		"one byte short":   good[:len(good)-1],
		"one byte long":    good + "\x00",
		"cut in bitmap":    good[:bitmap+100],
		"bucket marked":    marked,
	} {
		if _, err := decodeModel(data); err == nil {
			t.Errorf("%s: decoded without error", name)
		} else if !strings.HasPrefix(err.Error(), "learned model: ") {
			t.Errorf("%s: error %q does not say it is the model", name, err)
		}
	}
}

// TestLearnedRulesFollowPolicy checks that the learned rules are rules like
// any other: a policy that disables one silences it, and one that re-grades
// it changes its severity.
func TestLearnedRulesFollowPolicy(t *testing.T) {
	e := mustEngine(t, "")
	if e.model == nil {
		t.Skip("no model embedded")
	}
	n := 0
	for _, ex := range e.Examples() {
		if !ex.Flag || !strings.HasSuffix(ex.Rule, ".learned") {
			continue
		}
		n++
		off := mustEngine(t, `{"disable": ["`+ex.Rule+`"]}`)
		for _, f := range off.Scan(ex.Text).Findings {
			if f.Rule == ex.Rule {
				t.Errorf("%s disabled, still flags %q", ex.Rule, ex.Text)
			}
		}
		block := mustEngine(t, `{"severity": {"`+ex.Rule+`": "block"}}`)
		found := false
		for _, f := range block.Scan(ex.Text).Findings {
			if f.Rule == ex.Rule {
				found = true
				if f.Severity != Block {
					t.Errorf("%s re-graded to block, gives %s on %q", ex.Rule, f.Severity, ex.Text)
				}
			}
		}
		if !found {
			t.Errorf("%s re-graded: no finding on its own example %q", ex.Rule, ex.Text)
		}
	}
	if n == 0 {
		t.Fatal("no learned rule has an example that must flag")
	}
}

// TestShortRepliesPass checks that the replies clinicians type most, a word
// or two, are not judged by the model's bias: each scores no finding at
// warn or above.
func TestShortRepliesPass(t *testing.T) {
	e := mustEngine(t, "")
	for _, text := range []string{"ok", "lol", "Thank you!!", "omg same", "so tired", "Long day.", "This.", "Congrats!", "😂😂", "yes", "Happy birthday mom!"} {
		for _, f := range e.Scan(text).Findings {
			if f.Severity != Info {
				t.Errorf("%q: %s %s", text, f.Severity, f.Rule)
			}
		}
	}
}

// TestSentenceScoreStandsForPost checks the score MODEL.md describes: an
// output's score is the larger of the post's (its features' weights over
// the root of their number) and each sentence's own, less the output's
// margin, computed here from the features alone. In a long post one
// contemptuous or advising sentence must not be averaged away, and in the
// texts below at least one sentence decides an output.
func TestSentenceScoreStandsForPost(t *testing.T) {
	e := mustEngine(t, "")
	m := e.model
	if m == nil {
		t.Skip("no model embedded")
	}
	filler := "We had a long week on the unit and the new schedule finally came out. The coffee machine on the third floor is fixed, which is the real headline. Our educator ran a great skills fair on central lines and chest tubes. Thanks to everyone who covered shifts during the storm. "
	decided := 0
	for _, text := range []string{
		filler + "Honestly the whale in bed 4 can starve for all I care, lazy junkies like him never learn.",
		filler + "@maria_k just double your lisinopril tonight and skip the metformin, you will be fine.",
		filler + "Vaccines cause autism and the flu shot gives you the flu, do your own research.",
		filler + "Use my code NURSE20 for 20% off the compression socks I wear every shift!",
		"Short one. Another sentence here.",
		filler,
	} {
		ids, sents := e.ModelFeatures(text)
		nsent := 0
		for _, s := range sents {
			nsent = max(nsent, int(s)+1)
		}
		var post [modelOutputs]int64
		sent := make([][modelOutputs]int64, nsent)
		count := make([]int, nsent)
		for j, f := range ids {
			count[sents[j]]++
			w := m.weights(f)
			for o := 0; o < modelOutputs && w != nil; o++ {
				x := int64(int8(w[o]))
				post[o] += x
				sent[sents[j]][o] += x
			}
		}
		root := int64(isqrt(uint64(max(len(ids), ModelMinFeatures)) << 16))
		st := e.pool.get()
		e.prepare(text, st)
		e.features(text, st, m, false)
		got := m.scores(&st.feat)
		st.text = ""
		e.pool.put(st)
		for o := 0; o < modelOutputs; o++ {
			want := m.bias[o] + int32(post[o]*256/root)
			whole := want
			if m.sentence[o] != math.MaxInt32 && nsent > 1 {
				for k := 0; k < nsent; k++ {
					r := int64(isqrt(uint64(max(count[k], ModelMinFeatures)) << 16))
					want = max(want, m.bias[o]+int32(sent[k][o]*256/r)-m.sentence[o])
				}
			}
			if got.score[o] != want {
				t.Errorf("%s on %.40q: score %d, want %d", modelOutputNames[o], text, got.score[o], want)
			}
			if want > whole {
				decided++
			}
		}
	}
	if decided == 0 {
		t.Error("no sentence decided any output: sentence scoring is off or has no effect")
	}
}

// BenchmarkDecodeModel measures expanding the embedded model's sparse
// weights, which every engine pays once when it loads.
func BenchmarkDecodeModel(b *testing.B) {
	if modelData == "" {
		b.Skip("no model embedded")
	}
	for b.Loop() {
		if _, err := decodeModel(modelData); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNegatedAndQuotedWords checks the scoped features: a word after a
// negation, up to negationScope words and the next punctuation, and a word in
// quotation marks add features of their own beside their word's.
func TestNegatedAndQuotedWords(t *testing.T) {
	e := mustEngine(t, "")
	has := func(text, w string, salt uint64) bool {
		ids, _ := e.ModelFeatures(text)
		return slices.Contains(ids, featID(hashWord(w)^salt, featWord))
	}
	for _, tc := range []struct {
		text, word string
		salt       uint64
		want       bool
	}{
		{"Turmeric won't cure your arthritis.", "cure", negatedSalt, true},
		{"Turmeric won't cure your arthritis.", "arthritis", negatedSalt, true},
		{"Turmeric won't cure your arthritis.", "turmeric", negatedSalt, false},
		{"Turmeric will cure your arthritis.", "cure", negatedSalt, false},
		{"No te puedo mandar la receta", "mandar", negatedSalt, true},
		{"I don't know, turmeric cures it", "cures", negatedSalt, false},                // past the comma
		{"you can't really truly honestly fully boost it", "boost", negatedSalt, false}, // past the scope
		{"let's retire 'frequent flyer' on our unit", "flyer", quotedSalt, true},
		{"let's retire 'frequent flyer' on our unit", "unit", quotedSalt, false},
		{"you can’t “boost” your immune system", "boost", quotedSalt, true},
		{`the nurses' station is "fine" and so is the EMR`, "station", quotedSalt, false},
		{`the nurses' station is "fine" and so is the EMR`, "fine", quotedSalt, true},
		{`the nurses' station is "fine" and so is the EMR`, "emr", quotedSalt, false},
	} {
		if got := has(tc.text, tc.word, tc.salt); got != tc.want {
			t.Errorf("%q: scoped feature of %q (salt %x) %v, want %v", tc.text, tc.word, tc.salt, got, tc.want)
		}
	}
}

// TestConjoinedFeatures checks that a symbol in a post that speaks of a
// person ("the lady in 22 😂") adds a conjoined feature, and the same
// symbol in a post that does not ("sunset 😂") adds none.
func TestConjoinedFeatures(t *testing.T) {
	e := mustEngine(t, "")
	conj := func(text string) int {
		ids, _ := e.ModelFeatures(text)
		n := 0
		for _, f := range ids {
			if FeatureKind(f) == "conj" {
				n++
			}
		}
		return n
	}
	for text, want := range map[string]int{
		"the lady in 22 keeps ringing 😂":        1,
		"my patient said the funniest thing 😂🐷": 2,
		"Mrs. Patel 🙄":                          1,
		"sunset from the roof after shift 😂":    0,
		"the lady in 22 keeps ringing":          0,
	} {
		if got := conj(text); got != want {
			t.Errorf("%q: %d conjoined features, want %d", text, got, want)
		}
	}
}

// TestUsesKind checks that a model scores with the conjoined features
// only when its settings name them among their kinds.
func TestUsesKind(t *testing.T) {
	for settings, want := range map[string]bool{
		"bits=19 kinds=word,pair,class,hit,ident,shape,conj levels=16": true,
		"bits=19 kinds=word,pair,class,hit,ident,shape levels=16":      false,
		"kinds=conj":                  true,
		"kinds=conjx,word":            false,
		"bits=19 levels=16 conj=true": false,
	} {
		if got := usesKind(settings, "conj"); got != want {
			t.Errorf("usesKind(%q, conj) = %v, want %v", settings, got, want)
		}
	}
}
