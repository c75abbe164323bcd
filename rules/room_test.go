package rules

import (
	"strings"
	"testing"
)

// TestBareRoom checks rooms written bare, as a ward names its patients:
// after a person or a title and a name, "in" or "from" the room; after an
// age written as a case presentation gives it. A year, a time, a count and
// "3 doors down" are no rooms. Each case marks the room as markedSpan reads
// it ('|' to '^'); an empty want means no identifier there.
func TestBareRoom(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{"the 19yo |in 3B^ who OD'd for the third time this year called me mid", IDOther},
		{"Our 80s F |in 302^ from the assisted living salutes me every time I bring her pills.", IDOther},
		{"The 40s F |in 12^ tonight came in drunk after a bar fight", IDOther},
		{"interrogated a pacemaker, the 92 y/o |in 7C^ was so patient with me", IDOther},
		{"nothing says outpatient psych like Mr. T |from 3B^ reciting his theories", IDOther},
		{"hinge matched me with the guy |from 14B^ on my med-surg rotation", IDOther},
		{"pt |in 214^ keeps asking for the pretty nurse", IDOther},
		{"the lady |in 12B^ just asked if her insurance covers it", IDOther},
		// Not these.
		{"I remember the guy |in 2019^ who coughed through the whole lecture.", ""},
		{"my mom |in 2022^ had the same surgery", ""},
		{"the lady |from 3^ doors down brought cookies", ""},
		{"the guy |from 4^ West who yelled at me all week", ""},
		{"a 45M |in 3^ days of rehab would be a record", ""},
		{"the lady |from 10^:30 keeps calling", ""},
		{"the kid |in 5G^ range can't get signal", ""},
	})
}

// TestMatchRoom checks the {room} element's shapes one token at a time.
func TestMatchRoom(t *testing.T) {
	for _, c := range []struct {
		text      string
		minDigits int
		want      bool
	}{
		{"7B", 1, true}, {"302", 1, true}, {"B12", 1, true}, {"12", 1, true}, {"9a", 1, true},
		{"302", 3, true}, {"12B", 3, false}, {"2019", 1, false}, {"1987", 1, false}, {"2150", 1, true},
		{"5G", 1, false}, {"3D", 1, false}, {"4K", 1, false}, {"80s", 1, false}, {"12345", 1, false},
		{"AB12", 1, false}, {"1st", 1, false}, {"10:30", 1, false}, {"3/14", 1, false}, {"2.5", 1, false},
		{"6-8", 1, false}, {"west", 1, false},
	} {
		toks := tokenize(c.text, nil)
		if got := matchRoom(c.text, toks, 0, c.minDigits) == 1; got != c.want {
			t.Errorf("matchRoom(%q, %d) = %v, want %v", c.text, c.minDigits, got, c.want)
		}
	}
}

// TestRoomElementParse checks that {room} and {roomN} parse and that a bad
// count is an error that says what is allowed.
func TestRoomElementParse(t *testing.T) {
	for _, good := range []string{"guy >in {room}", "pt >in {room3}", "bed {id}", "mrn {id4}"} {
		if _, err := parsePhrase(good); err != nil {
			t.Errorf("parsePhrase(%q): %v", good, err)
		}
	}
	for _, bad := range []string{"guy in {room5}", "guy in {room0}", "guy in {roomx}", "bed {id21}", "bed {idroom}", "bed {rooms}"} {
		if _, err := parsePhrase(bad); err == nil || !strings.Contains(err.Error(), "{room}") {
			t.Errorf("parsePhrase(%q) = %v, want an error naming {room}", bad, err)
		}
	}
}
