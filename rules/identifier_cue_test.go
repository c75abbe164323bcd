package rules

import (
	"slices"
	"strings"
	"testing"
)

// TestIdentifierAfterItsCue checks identifiers written the way people talk
// about them rather than the way a form prints them: the cue, a verb, then
// the value ("his MRN is 40028817"), a possessive age, a network in CIDR
// notation, a vanity plate, a phone number listed after a fax number, a
// county, a Reddit user, a full name whose first name is also a word, a
// card printed with its expiry.
// Each case marks its value as markedSpan reads it ('|' to '^').
func TestIdentifierAfterItsCue(t *testing.T) {
	checkIdentifierCases(t, []identifierCase{
		{"Your mom's |MRN is 40028817^ btw, give that to registration", IDMRN},
		{"I'll just say his |MRN ends in 4471^, everyone knows who I mean", IDMRN},
		{"Her |account number is 40022-781-3^ and they keep denying her Humira", IDAccount},
		{"|Member ID on the card is JXR442918803^ and the rep kept reading it back wrong", IDHealthPlan},
		{"the insurance rejects the claim for the 6th time on a |92 year old's^ inhaler", IDAge90},
		{"a |94-year-old's^ hip, fixed by noon", IDAge90},
		{"staff net at |198.51.100.0/24^ is fine", IDIP},
		{"the pump subnet |10.20.0.0/16^ keeps dropping", IDIP},
		{"drives that lime-green VW bug, plate |GRNBUG2^, demands her Xanax early", IDVehicle},
		{"Referrals: fax (207) 555-0166, phone |(207) 555-0160^. Hours M-Th 8-5.", IDPhone},
		{"Referrals: phone (207) 555-0160, fax |(207) 555-0166^.", IDFax},
		{"renewed my state license today, |RT #44821^, 24 CE credits done", IDLicense},
		{"¡Por fin llegó! |Cédula 12847703^, por si alguien la quiere verificar", IDLicense},
		{"|Harlow County^ health dept is reporting 3 confirmed measles cases", IDGeo},
		{"she lives way out in |Corliss County^, two hours each way", IDGeo},
		{"|u/tiredmama22^ based on what you described your son needs to be seen TODAY", IDName},
		{"Reply to |/u/molar_mom^: those chalky white spots are early decay", IDName},
		{"we have a lady |who's 101^ and still drives herself to our pharmacy", IDAge90},
		{"the rejection literally printed her |Medicaid ID 7734 8812 0091^ and her address", IDHealthPlan},
		{"Client left her driver's license in my office yesterday, |D4481-22917-06^, how do I return it", IDLicense},
		{"Just renewed my CPhT, certification |#PT-559201^, good for two more years", IDLicense},
		{"|Tony Russo^ the weatherman was on our floor all weekend", IDName},
		{"to my favourite regular at the pharmacy, |Earl Whitcomb^! Your warfarin is ready", IDName},
		{"her copay card keeps declining at the desk: |4532 7713 9021 4468^ exp 09/27", IDAccount},
		{"card |5412-7534-0091-2246^, expires 9/2027", IDAccount},
		{"My boss makes us use his DEA number for everything, even when he's out. |FA4829371^ is printed on every pad", IDLicense},
		// Not these.
		{"Order |FA4829371^ shipped today", IDOther}, // an order number, not a licence
		{"the tracking number |4532 7713 9021 4468^ is wrong again", ""},
		{"|Grace Hospital^ is hiring night nurses", ""},
		{"whoever keeps opening Brianna Tate's |CT^ at 3 AM, stop", ""},
		{"|Our County^ Commissioner visited the clinic", ""},
		{"bedside |u/s^ showed a clot, u/a negative", ""},
		{"Sorry folks! Call |billing 555-0114^.", IDPhone},
		{"his |MRN is^ in the chart, look it up", ""},
		{"the 5G router at |10.20.30.40/99^ is down", ""},
	})
}

// identifierCase is a text with a span marked as markedSpan reads it ('|'
// to '^') and the identifier type a finding over the span must have; ""
// means no identifier finding may cover it.
type identifierCase struct {
	text string
	want Identifier
}

// checkIdentifierCases scans each case with the base engine and checks the
// identifier findings over its marked span.
// TestCheckedIdentifierKeepsItsType checks that a number whose check digit
// proves it a card stays a card when a cue phrase also reads it as
// another identifier, and keeps the higher of the two severities.
func TestCheckedIdentifierKeepsItsType(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"pt paid at the register: 4111 1111 1111 1111 exp 09/27",
		"registration 4111111111111111",
	} {
		var got []string
		for _, f := range e.Scan(text).Findings {
			if f.Identifier != "" && strings.HasPrefix(text[f.Start:], "4111") {
				got = append(got, string(f.Identifier)+" "+string(f.Severity))
			}
		}
		if want := []string{"account block"}; !slices.Equal(got, want) {
			t.Errorf("%q: identifiers over the card %v, want %v", text, got, want)
		}
	}
}

func checkIdentifierCases(t *testing.T, cases []identifierCase) {
	t.Helper()
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		text, off, end := markedSpan(c.text)
		var got []Identifier
		for _, f := range e.Scan(text).Findings {
			if f.Identifier != "" && f.Start < end && f.End > off {
				got = append(got, f.Identifier)
			}
		}
		if c.want == "" && len(got) > 0 || c.want != "" && !slices.Contains(got, c.want) {
			t.Errorf("%q: identifiers over %q: %v, want %q", text, text[off:end], got, c.want)
		}
	}
}
