package rules

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// escalationByName returns the named step of the escalations table.
func escalationByName(t *testing.T, name string) escalation {
	t.Helper()
	for _, x := range escalations {
		if x.name == name {
			return x
		}
	}
	t.Fatalf("no escalation %q", name)
	return escalation{}
}

// topSeverity returns the highest severity among the findings of res that
// keep accepts, or "" when there is none.
func topSeverity(res Result, keep func(*Finding) bool) Severity {
	var top Severity
	for i := range res.Findings {
		if f := &res.Findings[i]; keep(f) && f.Severity.Rank() > top.Rank() {
			top = f.Severity
		}
	}
	return top
}

func TestEscalations(t *testing.T) {
	ident := &crule{Rule: &Rule{ID: "privacy.phone", Severity: Info, PatientSeverity: Block, Identifier: IDPhone}, quasi: -1}
	quasi := &crule{Rule: &Rule{ID: "privacy.quasi.occupation", Severity: Info, PatientSeverity: Warn, Quasi: "occupation"}, quasi: 4}
	cond := &crule{Rule: &Rule{ID: "privacy.quasi.hiv", Severity: Warn, Quasi: "condition", RequiresPatient: true}, quasi: 6}
	patient := &postContext{patient: true}
	story := &postContext{patient: true, storySev: Block}
	warnStory := &postContext{patient: true, storySev: Warn}
	direct := &postContext{patient: true, direct: true, storySev: Warn}
	none := &postContext{}
	family := &postContext{ownFamily: true}
	date := &crule{Rule: &Rule{ID: "privacy.date", Severity: Info, PatientSeverity: Block, Identifier: IDDate}, quasi: -1}
	cases := []struct {
		step string
		r    *crule
		h    hit
		pc   *postContext
		in   Severity
		want Severity
	}{
		{"patient_severity", ident, hit{}, patient, Info, Block},
		{"patient_severity", ident, hit{}, none, Info, Info},
		{"patient_severity", ident, hit{fixed: true}, patient, Info, Info}, // a colleague's name stays info
		{"patient_severity", ident, hit{}, patient, Block, Block},          // never lowers
		{"patient_severity", quasi, hit{}, patient, Info, Info},            // a quasi-identifier waits for the story
		{"story_part", quasi, hit{}, story, Info, Warn},
		{"story_part", quasi, hit{}, warnStory, Info, Info},
		{"story_part", ident, hit{}, story, Info, Info},
		{"identified_condition", cond, hit{}, story, Warn, Block},
		{"identified_condition", cond, hit{}, direct, Warn, Block},
		{"identified_condition", cond, hit{}, warnStory, Warn, Warn},
		{"identified_condition", quasi, hit{}, story, Warn, Warn},
		{"own_family_dates", date, hit{}, family, Block, Info},
		{"own_family_dates", date, hit{}, none, Block, Block},
		{"own_family_dates", date, hit{}, patient, Block, Block},
		{"own_family_dates", ident, hit{}, family, Warn, Warn}, // a phone number is not lowered
	}
	for _, c := range cases {
		x := escalationByName(t, c.step)
		if got := x.apply(c.r, &c.h, c.pc, c.in); got != c.want {
			t.Errorf("%s(%s, %+v, %s) = %s, want %s", c.step, c.r.ID, *c.pc, c.in, got, c.want)
		}
	}
}

func TestStorySeverity(t *testing.T) {
	cases := []struct {
		patient, encounter, permission, lowered bool
		nq                                      int
		want                                    Severity
	}{
		{false, true, false, false, 3, ""},
		{true, false, false, false, 0, ""},
		{true, true, false, false, 0, Warn},
		{true, false, false, false, 2, Warn},
		{true, false, false, false, 3, Block},
		{true, false, true, false, 3, Warn}, // permission lowers a block to a warning
		{true, false, true, false, 2, Warn}, // never below
		{true, false, false, true, 2, Info}, // a lowering phrase lowers one step
		{true, false, true, true, 4, Info},
	}
	for _, c := range cases {
		if got := storySeverity(c.patient, c.encounter, c.permission, c.lowered, c.nq); got != c.want {
			t.Errorf("storySeverity(%+v) = %q, want %q", c, got, c.want)
		}
	}
}

func TestBaseSeverity(t *testing.T) {
	name := &crule{Rule: &Rule{ID: "privacy.name", Severity: Info, PatientSeverity: Block}}
	if got := baseSeverity(name, &hit{sev: Warn, kind: patLoneName}, &postContext{}); got != Info {
		t.Errorf("a lone first name in a post about no patient: %s, want info", got)
	}
	if got := baseSeverity(name, &hit{sev: Warn, kind: patLoneName}, &postContext{patient: true}); got != Warn {
		t.Errorf("a lone first name in a patient post: %s, want warn", got)
	}
	if got := baseSeverity(name, &hit{}, &postContext{}); got != Info {
		t.Errorf("no detector severity: %s, want the rule's info", got)
	}
}

// TestOwnFamilyDates checks that a birth date in a post about the
// author's own child or sibling is the relative's, and one in a patient's
// story is not.
func TestOwnFamilyDates(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]Severity{
		"Happy birthday to my son who turns 3 today, born 3/14 and still the loudest human in our house.": Info,
		"my sister just had her baby 🥹 7lb 2oz, born March 3 at 4:12am, both healthy.":                    Info,
		"My patient's son was born 3/14 on our unit, mom did great.":                                      Block,
	} {
		got := topSeverity(e.Scan(text), func(f *Finding) bool { return f.Rule == "privacy.date" })
		if got != want {
			t.Errorf("%q: privacy.date at %q, want %q", text, got, want)
		}
	}
}

// TestRoomBeforeRelative checks that a room or bed named before the
// author's relative makes the post a patient's, while a relative named
// first, visited in a room, keeps it about the relative.
func TestRoomBeforeRelative(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	wantRuleSeverity(t, e, map[string]Severity{
		"Shoutout to the sweetest lady in 14B who asked how my daughter's recital went. She's 93 and sharper than me!!":      Block,
		"the sweet old man in room 412 asked me to marry him today, told him my husband might object. 91 and still got game": Block,
		"my grandma in room 412 turned 93 today and asked the nurses for cake":                                               Info,
	}, "privacy.room")
}

// TestCredentialMakesColleague checks that a name followed by a
// professional credential (", PT, DPT") is a colleague's, reported at info,
// while the same name in a patient's story is not.
func TestCredentialMakesColleague(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]Severity{
		"Huge thanks to Rebecca Stahl, PT, DPT, who corrected my notes with so much patience.": Info,
		"Happy birthday to our lead tech Ramona, 18 years keeping this pharmacy sane.":         Info,
		"Rebecca Stahl was my patient on 4 North, discharged today after a long stay.":         Block,
		"Congrats to Dr. Kwame Asante, PT, DPT on earning his board certification!":            Info,
		"Dalton County Health Department confirmed 3 measles cases linked to a daycare.":       "",
	} {
		got := topSeverity(e.Scan(text), func(f *Finding) bool { return f.Rule == "privacy.name" })
		if got != want {
			t.Errorf("%q: privacy.name at %q, want %q", text, got, want)
		}
	}
}

// TestCriticisedBefore checks that a derogatory term right after a phrase
// that criticises it ("stop calling them ..."), or named as a word by one
// after it ("... if you still use these words"), is not flagged, quoted or
// not, while the same term said outright, or far from the phrase, is.
func TestCriticisedBefore(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"Stop calling them frequent flyers. They are people with unmet needs.":               false,
		"Respectfully, stop calling psych pts crazies in report. They can hear you.":         false,
		"me: sir please don't call them gomers":                                              false,
		"3 frequent flyers before midnight, love this job":                                   true,
		"Stop calling the front desk. Anyway the gomer in bed 3 is back for the fifth time.": true,
		"Stop calling me every night you drug seeker":                                        true,
		"please don't call the desk again, drug seekers get nothing here":                    true,
		// The term as the subject of the criticism that follows it.
		"Drug seeker is not a diagnosis. Pain is.":                               false,
		"Frequent flyer isn't a diagnosis, it's a failure of our system.":        false,
		"the drug seeker is back, and he says his pain is not a diagnosis issue": true,
		// Terms listed, then named as words by the criticism after them.
		"Gomer. Frequent flyer. Drug seeker. If you still use these words, your patients can hear you.": false,
		"The only frequent flyer I talk about is my airline miles #retiretheterm":                       false,
		"Honestly, whoever is still using 'gomer' on rotation, grow up.":                                false,
		"our frequent flyer is back lol, who still calls at 3am for a sandwich":                         true,
		"the gomer in 12 again. Words matter, sure, but so does sleep":                                  true,
	} {
		got := topSeverity(e.Scan(text), func(f *Finding) bool { return f.Rule == "conduct.derogatory" }) != ""
		if got != want {
			t.Errorf("%q: conduct.derogatory flagged %v, want %v", text, got, want)
		}
	}
}

// TestInsideQuotes checks the quotation marks a criticised term sits in,
// and that apostrophes inside words are not taken for them.
func TestInsideQuotes(t *testing.T) {
	for _, c := range []struct {
		text, span string
		want       bool
	}{
		{`Let's retire 'frequent flyer' for good.`, "frequent flyer", true},
		{`Can we retire "frequent flyer"?`, "frequent flyer", true},
		{"Can we retire \u201cfrequent flyer\u201d?", "frequent flyer", true},
		{"Can we retire \u2018frequent flyer\u2019?", "frequent flyer", true},
		{`Every week someone posts 'drop your meds below and I'll tell you what's dangerous.' Please don't.`, "drop your meds below", true},
		{`I'm done with frequent flyers, that's it.`, "frequent flyers", false},
		{`She said "hi". Then another frequent flyer came in.`, "frequent flyer", false},
		{"a 'frequent\nflyer'", "flyer", false},
	} {
		i := strings.Index(c.text, c.span)
		if got := insideQuotes(c.text, i, i+len(c.span)); got != c.want {
			t.Errorf("insideQuotes(%q, %q) = %v, want %v", c.text, c.span, got, c.want)
		}
	}
}

// TestNamedNumber checks the named_number step: a name and a personal
// number in one post raise each to warn; a colleague's name stays; and
// the post context is read from the hits (TestNamedNumberScan).
func TestNamedNumber(t *testing.T) {
	x := escalationByName(t, "named_number")
	name := &crule{Rule: &Rule{Identifier: IDName}}
	card := &crule{Rule: &Rule{Identifier: IDAccount}}
	on := &postContext{namedNumber: true}
	for _, c := range []struct {
		r    *crule
		h    hit
		pc   *postContext
		want Severity
	}{
		{name, hit{}, on, Warn},
		{card, hit{}, on, Warn},
		{name, hit{kind: patColleague}, on, Info},
		{name, hit{}, &postContext{}, Info},
	} {
		if got := x.apply(c.r, &c.h, c.pc, Info); got != c.want {
			t.Errorf("%s with namedNumber=%v, kind %d: %q, want %q", c.r.Identifier, c.pc.namedNumber, c.h.kind, got, c.want)
		}
	}
}

func TestNamedNumberScan(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]Severity{
		"Buyer was Tomasz Wojcik, his passport number is P48829173 and the form rejects it.":   Warn,
		"Dr. Maria Lopez gave a talk on passports; passport number P48829173 was the example.": Info,
	} {
		got := topSeverity(e.Scan(text), func(f *Finding) bool { return f.Identifier == IDLicense })
		if got.Rank() < want.Rank() || want == Info && got != Info {
			t.Errorf("%q: licence finding at %q, want %q", text, got, want)
		}
	}
}

// TestSampleIdentifiers checks detSample: an identifier a sample word
// introduces, a published test number or one ending in zeros is still
// found with its type (a teaching post shows the shape) but at info, and it
// does not make a name beside it a named number; a specimen is no sample,
// and the same numbers in a patient's story keep their severity.
func TestSampleIdentifiers(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		id   Identifier
		want Severity
	}{
		{"for the community health group: an ITIN always starts with 9 (sample: 900-70-0000) and it's for tax.", "", Info},
		{"The published CMS sample looks like 1EG4-TE5-MK73: no S, L, O, I, B or Z.", IDHealthPlan, Info},
		{"pharm tech fun fact: an MBI looks like 1EG4-TE5-MK72, 11 characters. not a real person, relax", IDHealthPlan, Info},
		{"Her MBI 1EG4-TE5-MK72 was on the fax and it is not a real emergency yet", IDHealthPlan, Block},
		{"infosec module today: if a vendor asks you to verify the card 4111 1111 1111 1111, that's the training phish.", IDAccount, Info},
		{"the demo card in your packet says member ID ZXA000000000, it's not real coverage", IDHealthPlan, Info},
		{"every time someone posts their card in a 'declined' thread I age a year. 5500 0000 0000 0004 is a TEST number, use that", IDAccount, Info},
		{"Pt paid with 5500 0000 0000 0012 and it bounced", IDAccount, Block},
		{"Maria Lopez, e.g. SSN 219-09-9999, is how the form shows it.", IDSSN, Info},
		{"Blood sample for my patient, SSN 512-44-7788, was mislabeled.", IDSSN, Block},
		{"My patient Maria Lopez, card 4556 7375 8689 9855, asked us to bill her.", IDAccount, Block},
		{"Found 'SSN 512-44-7788 K. Marsh' on the back of the census sheet.", IDSSN, Block},
		{"FAFSA bounced me again because I typed my ITIN 912-78-4410 in the SSN box.", IDSSN, Info},
		{"My husband's ITIN is 912-78-4410, eleven weeks after the W-7 🎉", IDSSN, Info},
		{"my OWN insurance member ID BCX9920144 gets rejected at my own hospital every January", IDHealthPlan, Info},
		{"My patient's SSN 512-44-7788 was on the label.", IDSSN, Block},
		{"Someone keyed my car at the Mercy garage. Plate 8TRW223 if anyone saw it, the dented silver Corolla, that's mine.", IDVehicle, Info},
		{"My truck got towed from the staff lot overnight, grey F-150, plate 6KLM442, call me if you saw it.", IDVehicle, Info},
		{"Firmware update broke alarms on half our pumps. Mine is serial PX4-7781-0032 and support is useless.", IDDevice, Info},
		{"My patient Joe Smith's plate 4TRW981 was in the news after the crash.", IDVehicle, Block},
		{"Pt in bed 3 came in after a crash, his plate 4TRW981 was all over the news, my car was parked next to it.", IDVehicle, Block},
		// The author's own card or papers named earlier in the sentence,
		// or in the sentence before one the number opens.
		{"the card reader glitched and printed my whole debit card on the receipt: 4539 1488 0343 6467 exp 09/27.", IDAccount, Info},
		{"Got the bill sent to my card by mistake, charge on 5425 2334 3010 9903 for $1,840.", IDAccount, Info},
		{"Here's my personal card 4716 0012 9987 4417 for anyone who wants to sponsor my 5K lol JK", IDAccount, Info},
		{"Paid for gloves with my business card 4716 0583 2291 4404 and now it's been skimmed", IDAccount, Info},
		{"HR emailed my full SSN 466014478 back to me in plain text to 'confirm.'", IDSSN, Info},
		{"they had my complete card number 4539 1488 0343 6467 and my birthday", IDAccount, Info},
		{"HR emailed my patient's full SSN 466014478 to the wrong fax", IDSSN, Block},
		{"My own mom got an ambulance bill with her Medicare number 1EG4TE5MK72 printed on the envelope?!", IDHealthPlan, Info},
		{"my ITIN paperwork finally came through so I can file taxes! 912-78-4405, framed and everything", IDSSN, Info},
		{"Tax season 😩 my mother-in-law's ITIN 912-78-4410 keeps getting rejected", IDSSN, Info},
		{"My card got declined, and then my patient's card 4556 7375 8689 9855 was read out loud.", IDAccount, Block},
		{"my patient's mom left her card 4556 7375 8689 9855 at the nurses' station", IDAccount, Block},
		{"I love my job! 4556 7375 8689 9855 was on the intake form of the man in bed 3.", IDAccount, Block},
		{"I treated my cousin in the ED last night, MRN 44120931, and my aunt keeps texting me.", IDMRN, Block},
		{"my sister-in-law is the new patient with ITIN 912-78-4410, can we bill under this?", IDSSN, Block},
		// SSNs in a range never issued: a placeholder in a teaching post is
		// not flagged at all; a number on a face sheet is.
		{"registration volunteer tip: training charts use dummy numbers like 000-12-3456.", IDSSN, ""},
		{"The bank really said 'confirm your full social' and I almost read 900123456 out loud (not my real one)", IDSSN, ""},
		{"who leaves a face sheet on the hallway printer?? 912-44-0871 staring at me, DOB and all.", IDSSN, Block},
		// A licence found by its cue alone outside a patient's story stays info.
		{"reminder: my NPI is 1487306655, look it up on NPPES", IDLicense, Info},
		{"Dr. Hal Farrow's DEA BF4829317 is on every script from that clinic", IDLicense, Info},
	} {
		// The identifier's finding; with no type, any privacy finding.
		got := topSeverity(e.Scan(c.text), func(f *Finding) bool { return f.Identifier == c.id || c.id == "" && f.Category == "privacy" })
		if got != c.want {
			t.Errorf("%q: %q at %q, want %q", c.text, c.id, got, c.want)
		}
	}
}

// TestSortByKey checks the drafts' sort against the standard library's on
// random keys, with ties, of every length up to 300.
func TestSortByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		ds := make([]draft, n)
		for i := range ds {
			ds[i].key = rng.Uint64N(uint64(n/2 + 1)) // ties on purpose
			ds[i].rule = int32(i)
		}
		want := slices.Clone(ds)
		slices.SortStableFunc(want, func(a, b draft) int { return cmp.Compare(a.key, b.key) })
		sortByKey(ds)
		for i := range ds {
			if ds[i].key != want[i].key {
				t.Fatalf("n=%d: key %d at %d, want %d", n, ds[i].key, i, want[i].key)
			}
		}
	}
}

// TestCodeLettersAreNotContext checks that a patient-context word inside
// an identifier ("PT" in "PT-OR-018842") does not make the post about a
// patient, while the same word in prose still does.
func TestCodeLettersAreNotContext(t *testing.T) {
	e := mustEngine(t, "")
	for _, tc := range []struct {
		text string
		want int
	}{
		{"Licensed in two states now! My license #PT-OR-018842, posting it because I'm proud.", 0},
		{"Renewal done, finally: license no. PT-OR-018842 good through 2028.", 0},
		{"pt MRN 4482913 came back again", 2},
	} {
		if got := e.PatientContext(tc.text); got != tc.want {
			t.Errorf("%q: patient context %d, want %d", tc.text, got, tc.want)
		}
	}
}
