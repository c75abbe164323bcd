package rules

// The stage benchmarks split a scan of the synthetic post into its passes,
// to see where the time goes (go test -bench Part ./rules).

import "testing"

func BenchmarkPartTokenize(b *testing.B) {
	toks := make([]token, 0, 1000)
	for i := 0; i < b.N; i++ {
		toks = tokenize(post, toks[:0])
	}
}

func BenchmarkPartStages(b *testing.B) {
	e, _ := Compile(nil)
	st := &scanState{silenced: make([]bool, len(e.rules))}
	for _, stage := range []string{"lookup", "phrases", "detectors", "weigh"} {
		b.Run(stage, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st.reset()
				e.tokenize(post, st)
				if stage == "lookup" {
					continue
				}
				switch stage {
				case "phrases":
					e.matchPhrases(post, st, &e.b.m, false)
				case "detectors":
					e.runDetectors(post, st)
				case "weigh":
					e.matchPhrases(post, st, &e.b.m, false)
					e.runDetectors(post, st)
					e.weigh(post, st)
				}
			}
		})
	}
}
