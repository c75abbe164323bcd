package rules

import (
	"sort"
)

// A detector is a built-in detector declared as a value, as a go/analysis
// Analyzer is: its name, what it needs from the packs (the shapes of the
// rules it reports, other rule ids, word classes, cue lists) and its run
// function. Each lives in its own file (detect_*.go) and is registered in
// the detectors table below, in the order the scan runs them. compileBase
// checks every need against the packs before anything runs, so a renamed
// class or rule is a compile error rather than a detector that silently
// finds nothing, and it lists what the packs declare that nothing reads.
//
// There are two kinds:
//
//   - token detectors (token set) share one pass over the tokens. At each
//     token the detectors whose kinds (on) include the token's kind are
//     tried in table order; the first that claims the token returns the
//     index of the token after its match, and the pass resumes there. So a
//     digit run that is a phone number is never also read as a date: the
//     order of the table is the order of precedence.
//   - pass detectors (pass set) each read the whole post once, after the
//     token pass.
type detector struct {
	name    string
	doc     string   // what it finds, with an example
	shapes  []string // shapes of the rules it reports (a pack rule's "shape")
	rules   []string // other rule ids it reads or reports
	classes []string // pack word classes it reads
	cues    []string // pack cue lists it reads
	on      tokKind  // token detectors: the tokens it is tried at
	token   func(c *tokCtx) int
	pass    func(e *Engine, text string, st *scanState)
}

// detectors is the registry, in run order.
var detectors = []*detector{
	// Digit runs ("555-201-7788", "3/4/2024", "1428"): the first that
	// claims a run wins.
	&detSSNNamed, &detCard, &detIMEI, &detNPI, &detRouting, &detNHS, &detSSNContext, &detSSN, &detITIN, &detPhone, &detIP,
	&detProfLicence, &detPassport, &detDriverLicence, &detBankAccount, &detDateNumeric, &detZip, &detStreetNumber, &detDateDayMonth,
	&detAgeBracket, &detAgeComma, &detAgeIs, &detAgeUnits,
	// Tokens of a number and letters ("95th", "45yo", "11D2030122").
	&detAgeOrdinal, &detAgeSuffix, &detCLIA,
	// Letters and digits ("1HGCM82633A004352", "AB1234563", "1EG4-TE5-MK73").
	&detIBAN, &detVIN, &detPlate, &detDEA, &detMBI,
	// Words of a class ("Main St", "March 3", "aged 92").
	&detStreetName, &detStreetBare, &detStreetPrefix, &detDateMonth, &detAgeWord,
	// Whole-post passes.
	&detEmail, &detURL, &detIPv6, &detMAC, &detMasked, &detCJK, &detPlaceContext, &detNames, &detReplyAdvice, &detProductClaim,
	&detCredentialClaim, &detColleagueAccusation, &detCareAddress, &detPatientContact, &detOwnFamily, &detNewsHeadline,
	// Last: marks the identifiers above that are written as examples.
	&detSample,
}

// How far apart, in tokens, the signals of the pass detectors may be.
const (
	// claimReach is how many tokens apart the claim word and its target may be.
	claimReach = 8
	// credentialReach is how many tokens apart the claim and its hedge may be.
	credentialReach = 25
	// accusationReach is how many tokens apart the name and the accusation
	// may be: about two sentences.
	accusationReach = 40
	// careReach is how many tokens after the address "your ..." may come.
	careReach = 40
	// sampleReach is how many tokens before an identifier its sample word may be.
	sampleReach = 8
	// ownReach is how many tokens before an identifier "my" may be.
	ownReach = 6
	// ownSentenceReach is how many tokens before an identifier "my card"
	// may be, in its sentence (ownInSentence).
	ownSentenceReach = 30
	// ownAfterReach is how many tokens after an identifier "mine" may be.
	ownAfterReach = 16
	// ownVehicleReach is how many tokens before a plate "my car" may be.
	ownVehicleReach = 30
	// contactReach is how many tokens apart the contact and the care may be.
	contactReach = 15
	// ssnContextReach is how many tokens either side of an SSN-shaped
	// number its record words may be, within its sentence.
	ssnContextReach = 10
)

// tokKind says which token detectors a token is tried with.
type tokKind uint8

const (
	kRun        tokKind = 1 << iota // digits only, starting with a digit: a digit run
	kDigitFirst                     // a digit, then letters: "95th", "45yo", "1EG4"
	kAlnum                          // letters and digits, starting with a letter: "AB1234563"
	kWord                           // any other token that reached the detectors
)

// tokCtx is what a token detector sees at token i.
type tokCtx struct {
	e    *Engine
	st   *scanState
	text string
	toks []token
	i    int
	t    *token
	w    string // the token's text
	// For a digit run: its groups, its start (over a '(' or '+' before it)
	// and the index of the token after it.
	run   digitRun
	start int
	j     int
}

// cue reports whether one of the n tokens before token i is one of words.
func (c *tokCtx) cue(n int, words *cueList) bool {
	for k := c.i - 1; k >= 0 && k >= c.i-n; k-- {
		if words.has(c.text, c.toks[k]) {
			return true
		}
	}
	return false
}

// eventCue reports whether one of words is among the n tokens before the
// run with no count between them: "admitted 3/14", "born on 3/14",
// "admitted at 0300 on 3/14", but not "delivered 11 babies on 3/14", a
// unit's tally rather than one patient's date. A count is a number and a
// word that is not a time's ("11 babies", not "0300 on", "3 pm").
func (c *tokCtx) eventCue(n int, words *cueList) bool {
	for k := c.i - 1; k >= 0 && k >= c.i-n; k-- {
		t := c.toks[k]
		if t.flags&(tDigit|tLetter) == tDigit && k+1 < c.i && c.toks[k+1].flags&(tDigit|tLetter) == tLetter &&
			!isWordIn(c.text, c.toks[k+1], "on", "at", "am", "pm", "h", "hr", "hrs", "hours", "and", "or", "de", "del", "el", "en") {
			return false
		}
		if words.has(c.text, t) {
			return true
		}
	}
	return false
}

// nearInSentence reports whether one of words is within n tokens of the
// run at tokens i..j-1, on either side, without crossing a sentence's end.
func (c *tokCtx) nearInSentence(n int, words *cueList) bool { return c.nearSpan(c.i, c.j, n, words) }

// nearSpan reports whether one of words is within n tokens of tokens
// i..j-1, on either side, without crossing a sentence's end.
func (c *tokCtx) nearSpan(i, j, n int, words *cueList) bool {
	for k := i - 1; k >= 0 && k >= i-n; k-- {
		if words.has(c.text, c.toks[k]) {
			return true
		}
		if c.toks[k].gap == gapHard {
			break
		}
	}
	for k := j; k < len(c.toks) && k < j+n; k++ {
		if c.toks[k].gap == gapHard {
			break
		}
		if words.has(c.text, c.toks[k]) {
			return true
		}
	}
	return false
}

// labelled reports whether the number at token i is labelled by one of
// cue: a cue word right before it, or before it and a few of the words
// of the cue list label_filler ("number", "no", "is", "#" between them):
// "routing number: 121000358", "passport no. A12345678", "DL is 123456".
func (c *tokCtx) labelled(cue *cueList) bool { return c.labelledAt(c.i, cue) }

// labelledAt is labelled for the identifier that starts at token i (a
// licence number whose letter prefix comes before the token at hand).
func (c *tokCtx) labelledAt(i int, cue *cueList) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if cue.has(c.text, c.toks[k]) {
			return true
		}
		if !c.e.b.cue.labelFiller.has(c.text, c.toks[k]) {
			return false
		}
	}
	return false
}

// classOf returns the word classes of token k, or none.
func (c *tokCtx) classOf(k int) classSet { return c.e.classOf(c.toks, k) }

// add records a hit of rule r over tokens [t0, t1) and bytes [start, end).
func (c *tokCtx) add(r int32, t0, t1, start, end int) *hit {
	return c.st.add(r, c.toks, t0, t1, start, end)
}

// shapeID numbers the shapes a pack rule can name.
type shapeID uint8

const (
	shPhone shapeID = iota
	shFax
	shSSN
	shDate
	shIP
	shZip
	shStreet
	shEmail
	shURL
	shVIN
	shMBI
	shLicense
	shAge
	shAge90
	shSex
	shMasked
	shName
	shPlace
	shFacility
	shRecordFormat
	shStory
	shCard
	shBank
	shDevice
	shLearned
	shReplyAdvice
	shProductClaim
	shCredentialClaim
	shColleagueAccusation
	shCareAddress
	shPatientContact
	shOwnFamily
	shNewsHeadline
	numShapes
)

// shapeNames are the shapes a pack rule can name in "shape", by shapeID.
var shapeNames = []string{"phone", "fax", "ssn", "date", "ip", "zip", "street", "email", "url", "vin",
	"mbi", "license", "age", "age90", "sex", "masked", "name", "place", "facility", "record_format", "story",
	"card", "bank", "device", "learned", "reply_advice", "product_claim", "credential_claim", "colleague_accusation", "care_address", "patient_contact", "own_family", "news_headline"}

// engineShapes are the shapes the engine itself reads outside any detector:
// the place tables, the policy's facilities and record formats, the story,
// and the learned model's rules (one per category).
var engineShapes = []string{"place", "facility", "record_format", "story", "learned"}

// engineClasses are the classes read outside the detectors: weighing keeps
// a place name only in a place context (placeContext).
// The learned model reads {negation} (model.go).
var engineClasses = []string{"locative", "state", "state_abbr", "negation"}

// engineCues are the cue lists read outside the detectors: weighing asks
// whether a news report has the author's own voice in it (firstPerson).
var engineCues = []string{"first_person"}

// ruleOf returns the enabled rule of a shape, or -1.
func (e *Engine) ruleOf(s shapeID) int32 { return e.shapeRule[s] }

// reportsWith returns the enabled rule of shape s when the rules a pass
// detector reads (from ruleIDs) are all in the packs; ok is false when the
// detector has nothing to do.
func (e *Engine) reportsWith(s shapeID, reads ...int32) (r int32, ok bool) {
	r = e.shapeRule[s]
	for _, x := range reads {
		if x < 0 {
			return r, false
		}
	}
	return r, r >= 0
}

// runDetectors runs the token pass, then the pass detectors.
func (e *Engine) runDetectors(text string, st *scanState) {
	st.tc = tokCtx{e: e, st: st, text: text, toks: st.toks}
	c := &st.tc // in the scan state: token detectors take its address
	toks := st.toks
	// Words without a digit matter to the token pass only if they are a
	// month, a street suffix, prefix or common name or an age cue: the rest are skipped after one
	// check.
	cueClasses := e.b.cls.month | e.b.cls.streetSuffix | e.b.cls.streetPrefix | e.b.cls.streetCommon | e.b.cls.ageWord
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.flags&tDigit == 0 && (t.lex < 0 || t.cls&cueClasses == 0) {
			continue
		}
		c.i, c.t, c.w = i, t, text[t.start:t.end]
		kind := kWord
		if c0 := c.w[0]; c0 >= '0' && c0 <= '9' {
			if t.flags&tLetter == 0 {
				kind = kRun
				c.run = numRun(text, int(t.start))
				c.start = int(t.start)
				if c.run.area && c.start > 0 && text[c.start-1] == '(' {
					c.start--
				} else if c.start > 0 && text[c.start-1] == '+' {
					c.start--
				}
				c.j = tokenAt(toks, c.run.end-1) + 1
			} else {
				kind = kDigitFirst
			}
		} else if t.flags&tDigit != 0 && t.flags&tLetter != 0 {
			kind = kAlnum
		}
		for _, d := range e.b.tokenDets[kindIndex(kind)] {
			if next := d.token(c); next > i {
				i = next - 1
				break
			}
		}
	}
	for _, d := range detectors {
		if d.pass != nil {
			d.pass(e, text, st)
		}
	}
}

func kindIndex(k tokKind) int {
	switch k {
	case kRun:
		return 0
	case kDigitFirst:
		return 1
	case kAlnum:
		return 2
	}
	return 3
}

// builtinCues are the cue lists the detectors read, by name.
type builtinCues struct {
	ssn, fax, faxVerb, phone, dateEvent, dayMonthEvent, birth, zip, ageIs, ageYearsAfter                                                   cueList
	caseArticle, ordinalAgeBefore, birthday, own, vin, plate, streetBefore                                                                 cueList
	placeCue, placeKind, placeKindNot, compass, placeSite, placeSiteBefore, placePrefix, familyNoun                                        cueList
	fractionAfter, fractionBefore, cjkPatient                                                                                              cueList
	notSSN, itin, routing, bank, passport, licence, mac, labelFiller, ssnContext, ssnOther                                                 cueList
	ageWas, ageWasSubject, ageAfterName, ageNotUnit, streetSuffixLower, streetBareBefore, ownThing, ownFiller                              cueList
	dea, npi, nhs, mbi                                                                                                                     cueList
	orgHandle, credential, adviceVerb, adviceLead, adviceSubject, doseUnit                                                                 cueList
	efficacyVerb, healthTarget                                                                                                             cueList
	claimTitle, claimWord, claimLead, sample, samplePost, specimen, praise, masked, ownIDWord                                              cueList
	careNoun, addressTitle, your, ownAfter, ownVehicle                                                                                     cueList
	contactAct, pastCare, contactNot                                                                                                       cueList
	familyLead, familySkip, relative, familyLink, familyLinkNoun, familyOfHead, familyGreeting, familyTitle, patienceBefore, patienceAfter cueList
	firstPerson, newsPerson, possessive, roomNotNext, cardExpiry                                                                           cueList
}

// slot returns the field of the cue list name, or nil.
func (c *builtinCues) slot(name string) *cueList {
	switch name {
	case "first_person":
		return &c.firstPerson
	case "news_person":
		return &c.newsPerson
	case "possessive":
		return &c.possessive
	case "ssn_cue":
		return &c.ssn
	case "fax_cue":
		return &c.fax
	case "fax_verb":
		return &c.faxVerb
	case "phone_cue":
		return &c.phone
	case "date_event":
		return &c.dateEvent
	case "day_month_event":
		return &c.dayMonthEvent
	case "birth_cue":
		return &c.birth
	case "zip_cue":
		return &c.zip
	case "age_is":
		return &c.ageIs
	case "age_years_after":
		return &c.ageYearsAfter
	case "case_article":
		return &c.caseArticle
	case "ordinal_age_before":
		return &c.ordinalAgeBefore
	case "birthday":
		return &c.birthday
	case "own":
		return &c.own
	case "vin_cue":
		return &c.vin
	case "plate_cue":
		return &c.plate
	case "street_before":
		return &c.streetBefore
	case "place_cue":
		return &c.placeCue
	case "compass":
		return &c.compass
	case "place_kind_not":
		return &c.placeKindNot
	case "place_kind":
		return &c.placeKind
	case "place_site":
		return &c.placeSite
	case "place_site_before":
		return &c.placeSiteBefore
	case "place_prefix":
		return &c.placePrefix
	case "family_noun":
		return &c.familyNoun
	case "fraction_after":
		return &c.fractionAfter
	case "fraction_before":
		return &c.fractionBefore
	case "cjk_patient":
		return &c.cjkPatient
	case "ssn_context":
		return &c.ssnContext
	case "ssn_other_label":
		return &c.ssnOther
	case "not_ssn":
		return &c.notSSN
	case "dea_cue":
		return &c.dea
	case "npi_cue":
		return &c.npi
	case "nhs_cue":
		return &c.nhs
	case "itin_cue":
		return &c.itin
	case "routing_cue":
		return &c.routing
	case "bank_cue":
		return &c.bank
	case "passport_cue":
		return &c.passport
	case "age_was":
		return &c.ageWas
	case "age_was_subject":
		return &c.ageWasSubject
	case "age_after_name":
		return &c.ageAfterName
	case "mbi_cue":
		return &c.mbi
	case "age_not_unit":
		return &c.ageNotUnit
	case "room_not_next":
		return &c.roomNotNext
	case "card_expiry":
		return &c.cardExpiry
	case "street_suffix_lower":
		return &c.streetSuffixLower
	case "street_bare_before":
		return &c.streetBareBefore
	case "licence_cue":
		return &c.licence
	case "mac_cue":
		return &c.mac
	case "label_filler":
		return &c.labelFiller
	case "org_handle":
		return &c.orgHandle
	case "credential":
		return &c.credential
	case "advice_verb":
		return &c.adviceVerb
	case "advice_lead":
		return &c.adviceLead
	case "advice_subject":
		return &c.adviceSubject
	case "dose_unit":
		return &c.doseUnit
	case "efficacy_verb":
		return &c.efficacyVerb
	case "health_target":
		return &c.healthTarget
	case "claim_title":
		return &c.claimTitle
	case "claim_word":
		return &c.claimWord
	case "claim_lead":
		return &c.claimLead
	case "sample_cue":
		return &c.sample
	case "sample_post":
		return &c.samplePost
	case "specimen_word":
		return &c.specimen
	case "praise":
		return &c.praise
	case "masked_word":
		return &c.masked
	case "own_id_word":
		return &c.ownIDWord
	case "own_thing":
		return &c.ownThing
	case "own_filler":
		return &c.ownFiller
	case "own_after":
		return &c.ownAfter
	case "own_vehicle":
		return &c.ownVehicle
	case "care_noun":
		return &c.careNoun
	case "address_title":
		return &c.addressTitle
	case "your":
		return &c.your
	case "contact_act":
		return &c.contactAct
	case "past_care":
		return &c.pastCare
	case "contact_not":
		return &c.contactNot
	case "family_lead":
		return &c.familyLead
	case "family_skip":
		return &c.familySkip
	case "relative":
		return &c.relative
	case "family_link":
		return &c.familyLink
	case "family_link_noun":
		return &c.familyLinkNoun
	case "family_of_head":
		return &c.familyOfHead
	case "family_greeting":
		return &c.familyGreeting
	case "family_title":
		return &c.familyTitle
	case "patience_before":
		return &c.patienceBefore
	case "patience_after":
		return &c.patienceAfter
	}
	return nil
}

// classSlot returns the field of builtinClasses that holds class name, or nil.
func (c *builtinClasses) slot(name string) *classSet {
	switch name {
	case "negation":
		return &c.negation
	case "firstname":
		return &c.first
	case "firstname_common":
		return &c.firstCommon
	case "surname":
		return &c.surname
	case "surname_common":
		return &c.surnameCommon
	case "title":
		return &c.title
	case "clinician":
		return &c.clinician
	case "patient_noun":
		return &c.patientNoun
	case "relation":
		return &c.relation
	case "occupation":
		return &c.occupation
	case "month":
		return &c.month
	case "weekday":
		return &c.weekday
	case "state":
		return &c.state
	case "state_abbr":
		return &c.stateAbbr
	case "street_suffix":
		return &c.streetSuffix
	case "street_prefix":
		return &c.streetPrefix
	case "street_common":
		return &c.streetCommon
	case "locative":
		return &c.locative
	case "name_stop":
		return &c.nameStop
	case "date_cue":
		return &c.dateCue
	case "unit_noun":
		return &c.unitNoun
	case "age_word":
		return &c.ageWord
	case "drug":
		return &c.drug
	case "med_any":
		return &c.medAny
	case "med_change":
		return &c.medChange
	case "disease":
		return &c.disease
	case "sex_word":
		return &c.sexWord
	case "not_place":
		return &c.notPlace
	case "office_title":
		return &c.officeTitle
	case "enc_verb":
		return &c.encVerb
	}
	return nil
}

// wireDetectors checks every detector's needs against the compiled packs,
// fills the class bits and cue lists they read, orders the token detectors
// by kind, and records what the packs declare that nothing reads (classes
// no phrase and no detector uses, cue lists no detector reads). cues are
// the packs' cue lists, merged; usedClasses the classes phrases name.
func (b *base) wireDetectors(dets []*detector, cues map[string][]string, usedClasses map[string]bool) error {
	usedCues := map[string]bool{}
	used := map[string]bool{}
	for k := range usedClasses {
		used[k] = true
	}
	needClass := func(who, name string) error {
		bit, ok := b.classIDs[name]
		if !ok {
			return &Error{Msg: who + " needs word class {" + name + "}, which no pack declares"}
		}
		used[name] = true
		if p := b.cls.slot(name); p != nil {
			*p = 1 << uint(bit)
		}
		return nil
	}
	needCue := func(who, name string) error {
		words, ok := cues[name]
		p := b.cue.slot(name)
		if !ok || p == nil {
			return &Error{Msg: who + " needs cue list " + quote(name) + ", which no pack declares"}
		}
		*p = newCueList(words)
		usedCues[name] = true
		return nil
	}
	needShape := func(who, name string) error {
		if _, ok := b.shapes[name]; !ok {
			return &Error{Msg: who + " needs a rule with \"shape\": " + quote(name) + ", which no pack declares"}
		}
		return nil
	}
	for _, s := range engineShapes {
		if err := needShape("the engine", s); err != nil {
			return err
		}
	}
	for _, c := range engineClasses {
		if err := needClass("the engine", c); err != nil {
			return err
		}
	}
	for _, name := range engineCues {
		if err := needCue("the engine", name); err != nil {
			return err
		}
	}
	for i := range b.tokenDets {
		b.tokenDets[i] = nil
	}
	for _, d := range dets {
		who := "detector " + d.name
		if (d.token == nil) == (d.pass == nil) {
			return &Error{Msg: who + ": needs either a token or a pass function"}
		}
		for _, s := range d.shapes {
			if err := needShape(who, s); err != nil {
				return err
			}
		}
		for _, id := range d.rules {
			if _, ok := b.byID[id]; !ok {
				return &Error{Msg: who + " needs rule " + id + ", which no pack declares"}
			}
		}
		for _, c := range d.classes {
			if err := needClass(who, c); err != nil {
				return err
			}
		}
		for _, name := range d.cues {
			if err := needCue(who, name); err != nil {
				return err
			}
		}
		if d.token != nil {
			for k := 0; k < 4; k++ {
				if d.on&(1<<uint(k)) != 0 {
					b.tokenDets[k] = append(b.tokenDets[k], d)
				}
			}
		}
	}
	b.unused = nil
	for name := range b.classIDs {
		if !used[name] {
			b.unused = append(b.unused, "class {"+name+"}")
		}
	}
	for name := range cues {
		if !usedCues[name] {
			b.unused = append(b.unused, "cue list "+quote(name))
		}
	}
	sort.Strings(b.unused)
	return nil
}

// Unused lists what the rule packs declare that neither a phrase nor a
// detector reads: word classes and cue lists ("class {x}", "cue list
// \"y\""). A test keeps it empty; a renamed class shows up here and, where
// a detector needs it, fails compiling.
func (e *Engine) Unused() []string { return append([]string(nil), e.b.unused...) }
