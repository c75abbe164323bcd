package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/discreet-health/discreet/rules"
)

// TestModelCurrent retrains the model from the committed posts and checks
// that rules/model_data.go holds exactly that model: training is
// deterministic, so a stale model means posts, packs or the feature code
// changed without go generate ./rules.
func TestModelCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the model")
	}
	dir := filepath.Join("..", "..")
	train, dev, err := Load(dir, defaults.Kinds)
	if err != nil {
		t.Fatal(err)
	}
	if len(dev) == 0 {
		t.Fatal("no dev split: rules/testdata/posts/dev.txt names none of the post files")
	}
	file, err := Train(train, dev, defaults)
	if err != nil {
		t.Fatal(err)
	}
	want := Source(file)
	got, err := os.ReadFile(filepath.Join(dir, "model_data.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("rules/model_data.go is stale: run go generate ./rules and commit the result")
	}
}

// TestTrainingSeparatesClasses checks the trainer on a toy task it must
// learn: posts with one word are positive for an output, posts without it
// negative; the trained model must score every positive above every
// negative.
func TestTrainingSeparatesClasses(t *testing.T) {
	var ps []*post
	for i := 0; i < 200; i++ {
		p := &post{feats: []uint32{uint32(1000 + i%17), uint32(5000 + i%5)}, y: make([]bool, len(outputs))}
		if i%3 == 0 {
			p.feats = append(p.feats, 77)
			p.y[2] = true
		}
		ps = append(ps, p)
	}
	s := defaults
	s.Kinds = "" // the toy ids have no kind: keep them all
	q := quantise(fit(ps, s))
	q.kinds = nil
	lowPos, highNeg := int32(1<<30), int32(-1<<30)
	for _, p := range ps {
		z := q.score(p, 2)
		if p.y[2] {
			lowPos = min(lowPos, z)
		} else {
			highNeg = max(highNeg, z)
		}
	}
	if lowPos <= highNeg {
		t.Fatalf("positives score from %d, negatives up to %d: not separated", lowPos, highNeg)
	}
}

// TestStoryHasItsOwnAddedPrecision checks that the patient's story (output
// 0) takes its warn threshold from AddedStory and the other outputs from
// Added: on the same scores, a stricter story precision gives a higher
// threshold. Posts scored 50-99 are all positive, those under 50 every
// other one, so the posts above a threshold t < 50 are (50+k)/(50+2k)
// correct for k = (50-t)/2: 0.9 first holds at 38, 0.8 at 18.
func TestStoryHasItsOwnAddedPrecision(t *testing.T) {
	var ps []*post
	var logits [][]float64
	for i := 0; i < 100; i++ {
		p := &post{y: make([]bool, len(outputs)), rules: make([]bool, len(outputs))}
		ls := make([]float64, len(outputs))
		for o := range outputs {
			p.y[o] = i >= 50 || i%2 == 0
			ls[o] = float64(i)
		}
		ps, logits = append(ps, p), append(logits, ls)
	}
	s := defaults
	s.Precision, s.MinLogit, s.Added, s.AddedStory = 0, 0, 0.8, 0.9
	n := len(outputs)
	q := &quantised{s: s, scale: 1, bias: make([]int32, n), warn: make([]int32, n), block: make([]int32, n)}
	chooseWarn(q, ps, logits, make([]float64, n))
	if q.warn[0] != 38 {
		t.Errorf("story warn threshold %d, want 38 (AddedStory 0.9)", q.warn[0])
	}
	for o := 1; o < n; o++ {
		if q.warn[o] != 18 {
			t.Errorf("%s warn threshold %d, want 18 (Added 0.8)", outputs[o].name, q.warn[o])
		}
	}
}

// TestRarePairsNeedMorePosts checks MinPairs: a bucket seen only through
// word pairs in four posts stays zero when pairs need five (whatever
// MinPosts), while a word seen in four posts keeps its weight; with
// MinPairs off the pair learns.
func TestRarePairsNeedMorePosts(t *testing.T) {
	const word, pair = uint32(1)<<29 | 100, uint32(2)<<29 | 200
	var ps []*post
	for i := 0; i < 60; i++ {
		p := &post{feats: []uint32{uint32(1)<<29 | uint32(1000+i%7)}, y: make([]bool, len(outputs))}
		if i < 4 {
			p.feats = append(p.feats, word, pair)
			p.y[2] = true
		}
		ps = append(ps, p)
	}
	weight := func(minPosts, minPairs int, f uint32) float64 {
		s := defaults
		s.Runs, s.MinPosts, s.MinPairs = 1, minPosts, minPairs
		m := fit(ps, s)
		return m.w[int(f&uint32(1<<s.Bits-1))*len(outputs)+2]
	}
	if w := weight(4, 5, pair); w != 0 {
		t.Errorf("MinPairs 5: a pair seen in 4 posts has weight %g, want 0", w)
	}
	if w := weight(1, 5, pair); w != 0 {
		t.Errorf("MinPosts 1, MinPairs 5: a pair seen in 4 posts has weight %g, want 0", w)
	}
	if w := weight(4, 5, word); w <= 0 {
		t.Errorf("MinPairs 5: a word seen in 4 positive posts has weight %g, want > 0", w)
	}
	if w := weight(4, 0, pair); w <= 0 {
		t.Errorf("MinPairs off: a pair seen in 4 positive posts has weight %g, want > 0", w)
	}
}

// TestByFeatureKeepsRareFeaturesOut checks ByFeature: a rare feature that
// shares a bucket with a common one trains that bucket when posts are
// counted by bucket, and not when they are counted by feature; a common
// feature learns either way.
func TestByFeatureKeepsRareFeaturesOut(t *testing.T) {
	// common and rare differ only above the bucket bits: one bucket.
	const common, rare, other = uint32(1)<<29 | 300, uint32(1)<<29 | 1<<20 | 300, uint32(1)<<29 | 400
	var ps []*post
	for i := 0; i < 60; i++ {
		p := &post{feats: []uint32{uint32(1)<<29 | uint32(1000+i%7)}, y: make([]bool, len(outputs))}
		switch {
		case i < 10: // the common feature, in posts without conduct
			p.feats = append(p.feats, common)
		case i < 13: // the rare one, in three conduct posts
			p.feats = append(p.feats, rare)
			p.y[2] = true
		case i < 19: // another common feature, in conduct posts
			p.feats = append(p.feats, other)
			p.y[2] = true
		}
		ps = append(ps, p)
	}
	weight := func(byFeature bool, f uint32) float64 {
		s := defaults
		s.Runs, s.ByFeature = 1, byFeature
		m := fit(ps, s)
		return m.w[int(f&uint32(1<<s.Bits-1))*len(outputs)+2]
	}
	byBucket, byFeature := weight(false, common), weight(true, common)
	if byBucket <= byFeature {
		t.Errorf("the shared bucket's conduct weight: %g counted by bucket, %g by feature; want the rare conduct posts to raise it only when counted by bucket", byBucket, byFeature)
	}
	if byFeature >= 0 {
		t.Errorf("counted by feature, the shared bucket learned only from posts without conduct, yet its conduct weight is %g", byFeature)
	}
	if w := weight(true, other); w <= 0 {
		t.Errorf("counted by feature, a feature in six conduct posts has conduct weight %g, want > 0", w)
	}
}

// TestVetoBelowAllKeepsEveryPositive checks veto3's choice: halfway
// between the lowest positive and the highest negative under it, only over
// the posts picked, and none when too few negatives lie below.
func TestVetoBelowAllKeepsEveryPositive(t *testing.T) {
	feats := make([]uint32, rules.ModelVetoFeatures)
	mk := func(ctx int, y bool) *post {
		return &post{ctx: ctx, feats: feats, y: []bool{y, false, false, false, false}}
	}
	var ps []*post
	var logits [][]float64
	add := func(p *post, z float64) {
		ps, logits = append(ps, p), append(logits, []float64{z, 0, 0, 0, 0})
	}
	for _, z := range []float64{-6, -5.5, -5, -4.5, -4} {
		add(mk(3, false), z) // teaching posts the model is sure of
	}
	add(mk(3, true), -1) // the lowest sensitive story
	add(mk(3, false), 0) // a negative above it stays flagged
	add(mk(2, true), -5) // another context's positive does not count
	add(mk(3, true), 2)
	sensitive := func(p *post) bool { return p.ctx == 3 }
	if v := vetoBelowAll(ps, logits, 0, sensitive); v != -2.5 {
		t.Errorf("veto %g, want -2.5 (between -4 and -1)", v)
	}
	ps[0].y[0] = true // now the lowest positive is at -6: nothing below
	if v := vetoBelowAll(ps, logits, 0, sensitive); !math.IsInf(v, -1) {
		t.Errorf("veto %g with no negative below the lowest positive, want -Inf", v)
	}
}

// TestMultiPosWeighsMixedPositives checks MultiPos: a feature seen only in
// posts positive for two outputs learns a larger weight for the second
// output when such positives weigh more, and a feature of single-label
// posts is unchanged in sign.
func TestMultiPosWeighsMixedPositives(t *testing.T) {
	const mixed, single = uint32(77), uint32(88)
	var ps []*post
	for i := 0; i < 300; i++ {
		p := &post{feats: []uint32{uint32(1000 + i%17)}, y: make([]bool, len(outputs))}
		switch i % 6 {
		case 0: // conduct and misinformation together
			p.feats = append(p.feats, mixed)
			p.y[2], p.y[3] = true, true
		case 1: // misinformation alone
			p.feats = append(p.feats, single)
			p.y[3] = true
		case 2: // the mixed feature in a negative post
			p.feats = append(p.feats, mixed)
		}
		ps = append(ps, p)
	}
	weight := func(multi float64, f uint32, o int) float64 {
		s := defaults
		s.Kinds, s.MinPosts, s.MultiPos = "", 1, multi
		m := fit(ps, s)
		return m.w[int(f&uint32(1<<s.Bits-1))*len(outputs)+o]
	}
	off, on := weight(1, mixed, 2), weight(3, mixed, 2)
	if on <= off {
		t.Errorf("conduct weight of the mixed posts' feature %.3f with MultiPos 3, %.3f without: want larger", on, off)
	}
	if w := weight(3, single, 3); w <= 0 {
		t.Errorf("misinformation weight of the single-label feature %.3f with MultiPos 3: want positive", w)
	}
}
