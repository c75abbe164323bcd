// Package cli holds what the discreet command and the packages it drives
// share in how they talk to a terminal: the exit codes, plurals in
// messages, and whether a file is a terminal.
package cli

import (
	"os"
	"strconv"

	"github.com/discreet-health/discreet/rules"
)

// Exit codes of the discreet command (scan, policy check, eval, audit),
// documented in its help text.
const (
	ExitClean = 0 // nothing at warn or above
	ExitWarn  = 1 // the highest finding is a warning
	ExitUsage = 2 // usage or input error: bad flag, unreadable input, bad policy; an audit that could read nothing
	ExitBlock = 3 // at least one block finding
)

// SeverityExit is the exit code for the highest severity shown.
func SeverityExit(top rules.Severity) int {
	switch top {
	case rules.Block:
		return ExitBlock
	case rules.Warn:
		return ExitWarn
	}
	return ExitClean
}

// Plural is "1 word" or "n words".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// IsTerminal reports whether f is a terminal (a character device), where a
// progress bar may be drawn and colour used.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
