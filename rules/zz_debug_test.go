package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// go test -run ZZDebug ./rules with ZZ="text|text2"
func TestZZDebug(t *testing.T) {
	z := os.Getenv("ZZ")
	if z == "" {
		t.Skip()
	}
	e := mustEngine(t, "")
	for _, text := range strings.Split(z, "|") {
		st := &scanState{silenced: make([]bool, len(e.rules))}
		e.prepare(text, st)
		fmt.Println("==", text)
		for _, h := range st.hits {
			fmt.Printf("  %-32s %q sev=%s kind=%d silenced=%v\n", e.rules[h.rule].ID, text[h.start:h.end], h.sev, h.kind, st.silenced[h.rule])
		}
		res := e.Scan(text)
		for _, f := range res.Findings {
			fmt.Printf("  => %s %s %q\n", f.Severity, f.Rule, text[f.Start:f.End])
		}
	}
}
