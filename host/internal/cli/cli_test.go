package cli

import (
	"os"
	"testing"

	"github.com/discreet-health/discreet/rules"
)

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 posts", 1: "1 post", 2: "2 posts"} {
		if got := Plural(n, "post"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSeverityExit(t *testing.T) {
	for sev, want := range map[rules.Severity]int{"": ExitClean, rules.Info: ExitClean, rules.Warn: ExitWarn, rules.Block: ExitBlock} {
		if got := SeverityExit(sev); got != want {
			t.Errorf("SeverityExit(%q) = %d, want %d", sev, got, want)
		}
	}
}

func TestIsTerminalFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "x")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("a regular file is a terminal")
	}
}
