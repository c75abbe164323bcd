// Package testutil holds the helpers the host packages' tests share: the
// patient post and the test policy, what every scan result must satisfy,
// UTF-8 and UTF-16 offsets, and a buffer a goroutine may write while a test
// reads it.
package testutil

import (
	"bytes"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/discreet-health/discreet/rules"
)

// PatientPost is the post every engine must flag at block (name, MRN, room,
// phone: privacy findings).
const PatientPost = "My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788."

// TermPolicy adds a custom term at warn: it exercises the plumbing with a
// finding whose rule the policy itself defines.
const TermPolicy = `{"name":"Test policy","version":"3","terms":[{"phrase":"zebra crossing","category":"conduct","severity":"warn","message":"test term"}]}`

// CheckSpans checks what every result must satisfy whatever the rules:
// findings a list (not nil), spans in bounds, on rune boundaries, UTF-16
// spans matching byte spans, findings in document order.
func CheckSpans(t testing.TB, text string, r rules.Result) {
	t.Helper()
	if r.Findings == nil {
		t.Errorf("findings is nil, want a (possibly empty) list")
	}
	prev := -1
	for i, f := range r.Findings {
		if f.Start < 0 || f.Start >= f.End || f.End > len(text) {
			t.Errorf("finding %d (%s): span [%d,%d) outside the %d-byte text", i, f.Rule, f.Start, f.End, len(text))
			continue
		}
		if !OnBoundary(text, f.Start) || !OnBoundary(text, f.End) {
			t.Errorf("finding %d (%s): span [%d,%d) cuts a UTF-8 sequence", i, f.Rule, f.Start, f.End)
		}
		if want := UTF16Len(text[:f.Start]); f.Start16 != want {
			t.Errorf("finding %d (%s): start16 %d, want %d", i, f.Rule, f.Start16, want)
		}
		if want := f.Start16 + UTF16Len(text[f.Start:f.End]); f.End16 != want {
			t.Errorf("finding %d (%s): end16 %d, want %d", i, f.Rule, f.End16, want)
		}
		if f.Start < prev {
			t.Errorf("finding %d (%s) starts at %d, before the previous one (%d)", i, f.Rule, f.Start, prev)
		}
		prev = f.Start
	}
}

// OnBoundary reports whether byte offset i is not inside a valid UTF-8
// sequence. A stray invalid byte is a sequence of its own (as Go's range
// loop and JavaScript's decoder see it).
func OnBoundary(s string, i int) bool {
	for j := 0; j < len(s); {
		if j >= i {
			return j == i
		}
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
	}
	return i == len(s)
}

// UTF16Len counts UTF-16 code units as JavaScript does; an invalid byte
// decodes to U+FFFD, one unit.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// SyncBuffer is a bytes.Buffer safe to write from another goroutine.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
