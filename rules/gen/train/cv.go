package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/discreet-health/discreet/rules"
)

// CrossValidate measures the whole engine, rules and model together, on
// posts no model it runs with has seen: the writers' sets are split into
// Folds groups by writer, a model (thresholds and all) is trained without
// each group, and the group is scanned with it. The pooled figures are
// what a new writer's set would show, but for the rules, which were tuned
// with all of these posts in view. With out set, each scored post's
// verdicts are written to it as JSON lines, for reading the misses.
func CrossValidate(train []*post, s Settings, out string) error {
	folds := writerFolds(train)
	type verdict struct {
		ID       string            `json:"id"`
		Labels   map[string]string `json:"labels"`
		Flagged  []string          `json:"flagged"`
		Findings []string          `json:"findings"`
	}
	verdicts := make([][]verdict, Folds)
	errs := make([]error, Folds)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for k := 0; k < Folds; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			in, held := folds[k].in, folds[k].out
			file, err := Train(in, nil, s)
			if err != nil {
				errs[k] = err
				return
			}
			e, err := rules.CompileWithModel(nil, string(file))
			if err != nil {
				errs[k] = err
				return
			}
			for _, p := range held {
				res := e.Scan(p.Text)
				v := verdict{ID: p.ID, Labels: p.Labels, Flagged: []string{}, Findings: []string{}}
				for _, o := range outputs {
					if flags(res, o.category) {
						v.Flagged = append(v.Flagged, o.category)
					}
				}
				for _, f := range res.Findings {
					v.Findings = append(v.Findings, fmt.Sprintf("%s:%s", f.Rule, f.Severity))
				}
				verdicts[k] = append(verdicts[k], v)
			}
		}(k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var tp, fp, fn [5]int
	benign, flagged, n := 0, 0, 0
	// The benign-only (b*) and health-news (n*) sets are counted apart:
	// their posts are all benign, and the bars for them differ.
	var apart [2]struct{ flagged, n int }
	var w *json.Encoder
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = json.NewEncoder(f)
	}
	for _, vs := range verdicts {
		for _, v := range vs {
			if w != nil {
				if err := w.Encode(v); err != nil {
					return err
				}
			}
			if k := strings.IndexByte("bn", v.ID[0]); k >= 0 {
				apart[k].n++
				if len(v.Flagged) > 0 {
					apart[k].flagged++
				}
				continue
			}
			n++
			got := map[string]bool{}
			for _, c := range v.Flagged {
				got[c] = true
			}
			for o, out := range outputs {
				_, want := v.Labels[out.category]
				switch {
				case got[out.category] && want:
					tp[o]++
				case got[out.category]:
					fp[o]++
				case want:
					fn[o]++
				}
			}
			if len(v.Labels) == 0 {
				benign++
				if len(v.Flagged) > 0 {
					flagged++
				}
			}
		}
	}
	fmt.Printf("cross-validated engine, %d folds by writer, %d posts:\n", Folds, n)
	for o, out := range outputs {
		fmt.Printf("  %-15s precision %.3f recall %.3f (%d/%d/%d tp/fp/fn)\n", out.category,
			ratio(tp[o], tp[o]+fp[o]), ratio(tp[o], tp[o]+fn[o]), tp[o], fp[o], fn[o])
	}
	fmt.Printf("  benign flagged %.1f%% (%d of %d)\n", 100*ratio(flagged, benign), flagged, benign)
	for k, what := range []string{"benign-only sets", "health-news sets"} {
		if apart[k].n > 0 {
			fmt.Printf("  %s flagged %.1f%% (%d of %d)\n", what, 100*ratio(apart[k].flagged, apart[k].n), apart[k].flagged, apart[k].n)
		}
	}
	return nil
}
