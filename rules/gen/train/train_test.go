package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
	train, dev, err := Load(dir)
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
