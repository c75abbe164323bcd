package rules

import (
	"math"
	"strings"
)

// Weighing turns the hits of a scan into findings in three steps:
//
//  1. postContext reads the post as a whole: is it about a patient (and
//     where does it first show it), was it shared with permission, does it
//     tell an encounter, which quasi-identifiers does the patient's story
//     hold, and how severe is that story.
//  2. Each hit gets its base severity (baseSeverity), then the escalations
//     table, in order, may raise it from what the post context says.
//  3. The findings are merged (dedupe), cut at the policy's floor, and
//     written out with their UTF-16 spans.
//
// Everything post-level that decides a severity is in postContext, so a
// new signal (such as a learned model's probability that the post tells a
// real patient's story, or its per-category scores) enters there, and the
// escalations read it like any other field.

// postContext is what weighing knows about the post as a whole.
type postContext struct {
	// patient: the post is about a patient; anchor is the hit where it
	// first shows it (the story finding's span).
	patient bool
	anchor  hit
	// permission: the post says it was shared with consent; encounter: it
	// tells an encounter; lowered: a phrase lowers the story's severity;
	// announcement: it is an event announcement (tied hits are not).
	permission, encounter, lowered, announcement bool
	// criticism: the post criticises a term or a post it quotes.
	criticism bool
	// news: the post reports news attributed to a source (a rule marked
	// news) in no word of the author's own; it is then about no patient
	// (readContext), and the model does not make it one (readModel).
	news bool
	// ownFamily: the post opens about the author's own relative or pet
	// (detOwnFamily).
	ownFamily bool
	// namedNumber: the post holds a person's name (not a colleague's) and
	// a number that belongs to one person (a card, a licence, a member ID),
	// and announces no event.
	namedNumber bool
	// quasi marks the quasi-identifiers of the patient's story by index in
	// quasiKinds, and kinds lists them by name, in that order.
	quasi [8]bool
	kinds []string
	// direct: the story holds an identifier that alone points at one
	// person (a name, a phone number), not only a date or a place.
	direct bool
	// storySev is the severity of the re-identification finding, or ""
	// when the post tells no identifiable story.
	storySev Severity
	// silenced: a teaching case or "your patient" silenced the
	// patient-context rule; explicit: a patient-context phrase ("my
	// patient") made the post about a patient, not a hit alone.
	silenced, explicit bool
	// ident: a hit is an identifier that alone points at one person,
	// before any context is known (not a colleague's name).
	ident bool
	// sensitive: a sensitive condition (HIV, a psychiatric hold) is named
	// in the post; an explicit context with one is never vetoed.
	sensitive bool
	// shown: the post writes an identifier as a sample ("sample:
	// 900-70-0000", a dummy record; detSample).
	shown bool
	// The learned model's scores (model.go), when it ran; modelStory: the
	// model, not a rule, made the post about a patient.
	ms         modelScores
	modelStory bool
}

// readContext is step 1 up to the story: patient, anchor, permission,
// encounter, lowered, announcement.
func (e *Engine) readContext(st *scanState) postContext {
	var pc postContext
	ctxRank := 0
	// A teaching case or "your patient" silences the patient-context rule;
	// then a case-style age or name alone does not make the post about a
	// patient either.
	ctxSilenced := e.b.ctxRule >= 0 && st.silenced[e.b.ctxRule]
	// Contact with a patient ("sent me a friend request", "matched on
	// Hinge with a guy I discharged") makes the post about a patient, but
	// not as surely as a phrase of care: the learned model's plain veto
	// may undo it. Out of fold (144 writers), the privacy stories such
	// posts alone made were right in 0.49-0.69 of them; the writers label
	// most of them boundaries only.
	contact := e.ruleOf(shPatientContact)
	name, number := false, false                               // a person's name; a number that belongs to one person
	asked, withheld := false, false                            // the patient's permission; the details left out
	family, room := int32(math.MaxInt32), int32(math.MaxInt32) // where the own relative and the first room or bed start
	for i := range st.hits {
		if r := e.rules[st.hits[i].rule]; !st.silenced[st.hits[i].rule] {
			pc.announcement = pc.announcement || r.Announcement
			pc.criticism = pc.criticism || r.Criticism
			pc.news = pc.news || r.News
		}
	}
	for i := range st.hits {
		h := &st.hits[i]
		r := e.rules[h.rule]
		if st.silenced[h.rule] {
			continue
		}
		if r.PatientContext && e.insideIdentifier(st, h) {
			continue // "PT" in "PT-OR-018842" is a code's letters, not a patient
		}
		if r.Tied && !pc.announcement {
			h.strong = true
		}
		rank := 0
		if r.PatientContext && h.rule != contact {
			rank = 2
		} else if r.PatientContext || h.strong && !ctxSilenced {
			rank = 1
		}
		if rank > ctxRank || rank > 0 && rank == ctxRank && h.start < pc.anchor.start {
			pc.anchor, ctxRank = *h, rank
		}
		if r.Permission {
			pc.permission = true
		}
		if h.rule == e.b.ids.permission {
			asked = true
		} else if h.rule == e.b.ids.withheld {
			withheld = true
		}
		if r.Encounter {
			pc.encounter = true
		}
		if r.LowersStory {
			pc.lowered = true
		}
		if h.rule == e.ruleOf(shOwnFamily) {
			pc.ownFamily = true
			family = min(family, h.start)
		} else if h.rule == e.b.ids.room {
			room = min(room, h.start)
		}
		if r.Quasi == "condition" && r.RequiresPatient {
			pc.sensitive = true
		}
		if h.kind != patColleague && h.kind != patExample {
			id := e.identOf(r, h)
			pc.ident = pc.ident || isDirect(id)
			name = name || id == IDName
			number = number || personalNumber(id)
		}
	}
	// Shared with the patient's permission and with the details left out,
	// a story is one step lower still: the teaching and gratitude posts
	// the writers' sets hold of this kind are benign (22 of 23).
	if asked && withheld {
		pc.lowered = true
	}
	// A post that opens about one's own relative, and names no patient,
	// is about the relative. But a room or bed named before the relative
	// ("the sweetest lady in 14B ... asked how my daughter's recital
	// went") is a patient's: the relative is only mentioned on the way.
	if room < family {
		pc.ownFamily = false
	}
	// A news report told with no word of the author's own ("I", "my",
	// "we", "nuestro") is about no patient of theirs, even where it says
	// who "died" or "was flown" to a hospital: those encounter phrases
	// are the news's own. With one, the author may be bringing their own
	// patient into the news ("my patient from the crash", "our unit had
	// that country singer"), and the post is read like any other.
	if pc.news && e.hasFirstPerson(st) {
		pc.news = false
	}
	if pc.news {
		ctxRank = 0
	}
	pc.patient = ctxRank > 0 && !pc.ownFamily
	pc.explicit = ctxRank == 2
	pc.namedNumber = name && number && !pc.announcement
	pc.silenced = ctxSilenced
	pc.shown = st.shown
	return pc
}

// hasFirstPerson reports whether the post has a word of the first person
// (cue list first_person), outside an @handle.
func (e *Engine) hasFirstPerson(st *scanState) bool {
	l := &e.b.cue.firstPerson
	for i := l.find(st.text, st.toks, 0); i < len(st.toks); i = l.find(st.text, st.toks, i+1) {
		if st.toks[i].flags&tMention == 0 {
			return true
		}
	}
	return false
}

// readModel runs the learned model over the post's features: a story
// score over its threshold makes the post about a patient when no rule did
// (not when a rule said it is a teaching case), and one under its veto
// undoes a context the rules saw ("Be patient with us", one's own father
// admitted); a post with a direct identifier has a threshold of its own
// (a name with a refill ready is a story with less said); a context a
// patient-context phrase made has a veto of its own, and a lower one still
// when the post names a sensitive condition. The other scores are weighed
// in modelFindings.
func (e *Engine) readModel(text string, st *scanState, pc *postContext) {
	m := e.model
	e.features(text, st, m, false)
	pc.ms = m.scores(&st.feat)
	li := e.b.learned[outStory]
	if li < 0 || !e.enabled[li] {
		return
	}
	warn := m.warn[outStory]
	if pc.ms.few {
		warn = m.shortWarn
	}
	switch z := pc.ms.score[outStory]; {
	case pc.shown && !pc.ident && !pc.patient:
		// A post that shows an identifier as a sample ("sample:
		// 900-70-0000") and holds no real one teaches: the model alone
		// does not make it a patient's story.
	case !pc.patient && !pc.silenced && !pc.ownFamily && !pc.news && (z >= warn || pc.ident && z >= m.warnIdent[outStory]):
		pc.patient, pc.modelStory, pc.encounter = true, true, true
		pc.anchor = e.sentenceHit(st, li, pc.ms.best[outStory])
	case pc.ms.few:
		// Too few words for the model to overrule the rules' context.
	case pc.patient && !pc.explicit && z < m.veto[outStory], pc.explicit && !pc.sensitive && z < m.veto2[outStory],
		pc.explicit && pc.sensitive && z < m.veto3[outStory]:
		pc.patient, pc.encounter = false, false
	}
}

// readStory is the rest of step 1: the quasi-identifiers of the patient's
// story, whether it holds a direct identifier, and the story's severity.
// It reads the hits that remain after keepPlaces.
func (e *Engine) readStory(st *scanState, pc *postContext) {
	if pc.patient {
		for i := range st.hits {
			h := &st.hits[i]
			r := e.rules[h.rule]
			if st.silenced[h.rule] {
				continue
			}
			if q := e.quasiOf(r, h); q >= 0 && h.kind != patExample {
				pc.quasi[q] = true // a placeholder date is no time of the story
			}
			if h.kind != patExample && isDirect(e.identOf(r, h)) {
				pc.direct = true
			}
		}
	}
	nq := 0
	for k, on := range pc.quasi {
		if on && k < len(quasiKinds) {
			nq++
			pc.kinds = append(pc.kinds, quasiKinds[k])
		}
	}
	pc.storySev = storySeverity(pc.patient, pc.encounter, pc.permission, pc.lowered, nq)
}

// insideIdentifier reports whether hit h lies within another hit that is
// an identifier (a licence or record number, an e-mail address) and
// longer: the words of a code are not prose.
func (e *Engine) insideIdentifier(st *scanState, h *hit) bool {
	return e.enclosedBy(st, h, "", true)
}

// insidePlace reports whether hit h lies within a place or street the
// scan found (an identifier of type geo that kept its place context): the
// words of a place's name are not the author's words about anyone.
func (e *Engine) insidePlace(st *scanState, h *hit) bool {
	return e.enclosedBy(st, h, IDGeo, false)
}

// enclosedBy reports whether hit h lies within another hit, not silenced,
// that is an identifier of type want (any type when want is ""); strict
// asks for one that also reaches beyond h.
func (e *Engine) enclosedBy(st *scanState, h *hit, want Identifier, strict bool) bool {
	for i := range st.hits {
		o := &st.hits[i]
		if o == h || o.start > h.start || h.end > o.end || strict && o.start == h.start && o.end == h.end || st.silenced[o.rule] {
			continue
		}
		if id := e.identOf(e.rules[o.rule], o); id != "" && (want == "" || id == want) {
			return true
		}
	}
	return false
}

// storySeverity grades a patient's story: a warning for a story with one or
// two quasi-identifiers (or an encounter and none), block for three or
// more; permission lowers a block to a warning, never below, and a
// lowering phrase lowers it one step.
func storySeverity(patient, encounter, permission, lowered bool, nq int) Severity {
	if !patient || nq == 0 && !encounter {
		return ""
	}
	rank := 2
	if nq >= 3 {
		rank = 3
	}
	if permission && rank > 2 {
		rank--
	}
	if lowered {
		rank--
	}
	return severityOfRank(rank)
}

// keepPlaces drops the place names that stand in no place context.
func (e *Engine) keepPlaces(text string, st *scanState) {
	kept := st.hits[:0]
	for _, h := range st.hits {
		if (h.kind == patPlace || h.kind == patPlaceCmn) && !e.placeContext(text, st.toks, &h) {
			continue
		}
		kept = append(kept, h)
	}
	st.hits = kept
}

// baseSeverity is a hit's severity before escalation: the detector's, else
// the rule's. A first name alone in a post about no patient is only info.
func baseSeverity(r *crule, h *hit, pc *postContext) Severity {
	sev := h.sev
	if h.kind == patLoneName && !pc.patient {
		sev = Info
	}
	if sev == "" {
		sev = r.Severity
	}
	return sev
}

// An escalation raises a finding's severity from the post's context. The
// table is applied in order, each step seeing the severity the previous
// ones left.
type escalation struct {
	name  string
	doc   string
	apply func(r *crule, h *hit, pc *postContext, sev Severity) Severity
}

var escalations = []escalation{
	{
		name: "own_family_dates",
		doc:  "In a post that opens about the author's own relative and names no patient, a date or an age over 89 is the relative's (\"Happy birthday to my son, born 3/14\"): information only.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if pc.ownFamily && !pc.patient && (r.Identifier == IDDate || r.Identifier == IDAge90) {
				return Info
			}
			return sev
		},
	},
	{
		name: "news_names",
		doc:  "In a news report (which is about no patient), the people named are the news's, and so are the dates of their births and deaths: information only.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if pc.news && (r.Identifier == IDName || r.Identifier == IDDate) && h.kind != patExample {
				return Info
			}
			return sev
		},
	},
	{
		name: "patient_severity",
		doc:  "In a post about a patient, an identifier (or a rule that is no quasi-identifier) takes its patient_severity, unless its detector fixed its severity.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if pc.patient && !h.fixed && r.PatientSeverity.Rank() > sev.Rank() && (r.Quasi == "" || r.Identifier != "") {
				return r.PatientSeverity
			}
			return sev
		},
	},
	{
		name: "story_part",
		doc:  "A quasi-identifier of a story that identifies the patient (story at block) is at least a warning.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if r.Quasi != "" && r.Identifier == "" && pc.storySev == Block && sev.Rank() < Warn.Rank() {
				return Warn
			}
			return sev
		},
	},
	{
		name: "named_number",
		doc:  "A person's name and a number that belongs to one person (a card, a licence, a member ID) in one post identify that person, patient word or not: each is at least a warning.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if pc.namedNumber && h.kind != patColleague && h.kind != patExample && (r.Identifier == IDName || personalNumber(r.Identifier) || personalNumber(h.ident)) && sev.Rank() < Warn.Rank() {
				return Warn
			}
			return sev
		},
	},
	{
		name: "identified_condition",
		doc:  "A sensitive condition tied to an identifiable patient (a story at block, or a direct identifier) is block.",
		apply: func(r *crule, h *hit, pc *postContext, sev Severity) Severity {
			if r.Quasi == "condition" && r.RequiresPatient && (pc.storySev == Block || pc.direct) {
				return Block
			}
			return sev
		},
	},
}

// grade is step 2 for one hit.
func grade(r *crule, h *hit, pc *postContext) Severity {
	sev := baseSeverity(r, h, pc)
	for k := range escalations {
		sev = escalations[k].apply(r, h, pc, sev)
	}
	return sev
}

// weigh turns the hits into findings: it applies the post-level context,
// the severities, the policy's filters, and sorts and de-duplicates.
func (e *Engine) weigh(text string, st *scanState) Result {
	// The context lives in the scan state, not on the stack: escalations
	// take its address, which would move it to the heap on every scan.
	st.pc = e.readContext(st)
	pc := &st.pc
	if e.modelOn {
		e.readModel(text, st, pc)
	}
	// Place names stand only in a place context.
	e.keepPlaces(text, st)
	e.readStory(st, pc)

	out := st.drafts[:0]
	for i := range st.hits {
		h := &st.hits[i]
		r := e.rules[h.rule]
		if st.silenced[h.rule] || r.Silent || r.RequiresPatient && !pc.patient || r.story {
			continue
		}
		if pc.criticism && quotedCategory[r.cat] && (insideQuotes(text, int(h.start), int(h.end)) || e.criticisedBefore(text, st, h) || e.criticisedAfter(text, st, h) || e.criticisedAsWords(text, st, h)) {
			continue // "let's retire 'frequent flyer'", "stop calling them frequent flyers": the term is criticised, not said
		}
		if r.Category == Conduct && e.insidePlace(st, h) {
			continue // "Coon Hollow Road", "Coon Rapids": a place's name, not a slur
		}
		out = append(out, e.draft(r, h, int32(i), grade(r, h, pc)))
	}
	if pc.storySev != "" {
		si := e.ruleOf(shStory)
		if pc.modelStory {
			si = e.b.learned[outStory]
		}
		if si >= 0 {
			r := e.rules[si]
			st.story = pc.anchor
			st.storyMsg = r.Message
			if pc.modelStory {
				if m := e.strongest(st, outStory, r.Message); m != "" {
					st.storyMsg = m
				}
			}
			if len(pc.kinds) > 0 {
				st.storyMsg += " (" + strings.Join(pc.kinds, ", ") + ")"
			}
			out = append(out, e.draft(r, &pc.anchor, -1, pc.storySev))
		}
	}
	if e.modelOn {
		out = e.modelFindings(st, out, &pc.ms)
	}
	out = e.dedupe(out)
	// The policy's floor.
	kept := out[:0]
	min := int8(e.minSev.Rank())
	for _, d := range out {
		if d.sev >= min {
			kept = append(kept, d)
		}
	}
	out = kept
	st.drafts = out[:0]
	st.adj, st.u16 = setUTF16(text, out, st.adj, st.u16)

	res := Result{Findings: make([]Finding, len(out))}
	max := 0
	var counts [8]int
	for i := range out {
		d := &out[i]
		f := &res.Findings[i]
		r := e.rules[d.rule]
		h := &st.story
		if d.hit >= 0 {
			h = &st.hits[d.hit]
		}
		*f = Finding{Rule: r.ID, Category: r.Category, Severity: severityOfRank(int(d.sev)), Identifier: e.identOf(r, h),
			Start: int(d.start), End: int(d.end), Start16: int(st.u16[2*i]), End16: int(st.u16[2*i+1]),
			Message: r.Message, Citation: r.Citation, Fixes: noFixes}
		if d.hit < 0 {
			f.Message = st.storyMsg
		} else if h.msg != "" {
			f.Message = h.msg
		}
		if r.fixes != nil {
			f.Fixes = r.fixes // shared and read-only
		}
		if h.focused && r.focusFixes != nil {
			f.Fixes = r.focusFixes
		}
		if int(d.sev) > max {
			max = int(d.sev)
		}
		counts[r.cat]++
	}
	st.story, st.storyMsg = hit{}, ""
	cm := make(map[Category]int, 5)
	for k, c := range Categories {
		if counts[k] > 0 {
			cm[c] = counts[k]
		}
	}
	res.Summary = Summary{Risk: "none", Enforce: e.enforce, PatientContext: pc.patient, QuasiIdentifiers: pc.kinds, Counts: cm}
	if max > 0 {
		res.Summary.Risk = string(severityOfRank(max))
	}
	res.Summary.Intercept = max > 0 && max >= e.intercep.Rank()
	if res.Summary.QuasiIdentifiers == nil {
		res.Summary.QuasiIdentifiers = []string{}
	}
	return res
}

// quotedCategory marks the categories whose hits a post that criticises
// what it quotes does not report inside quotation marks: a quoted slur,
// joke or "drop your meds below" is the thing criticised, not said.
var quotedCategory = func() (q [8]bool) {
	for i, c := range Categories {
		q[i] = c == Conduct || c == Boundaries
	}
	return q
}()

// insideQuotes reports whether text[start:end] lies between a pair of
// quotation marks on one line: "..." or “...”, or '...' and
// ‘...’ whose marks are not apostrophes (an opening mark follows no
// letter, a closing one is followed by none).
func insideQuotes(text string, start, end int) bool {
	const reach = 240
	open := -1
	var want string
	for i := start - 1; i >= 0 && i >= start-reach; i-- {
		c := text[i]
		if c == '\n' {
			return false
		}
		switch {
		case c == '"':
			open, want = i, `"`
		case c == '\'' && (i == 0 || !isLetterByte(text[i-1])):
			open, want = i, "'"
		case strings.HasPrefix(text[i:], "\u201c"):
			open, want = i, "\u201d"
		case strings.HasPrefix(text[i:], "\u2018") && (i == 0 || !isLetterByte(text[i-1])):
			open, want = i, "\u2019"
		}
		if open >= 0 {
			break
		}
	}
	if open < 0 {
		return false
	}
	for j := end; j < len(text) && j < end+reach; j++ {
		if text[j] == '\n' {
			return false
		}
		if strings.HasPrefix(text[j:], want) {
			after := j + len(want)
			if want == `"` || want == "\u201d" || after >= len(text) || !isLetterByte(text[after]) {
				return true
			}
		}
	}
	return false
}

// criticisedBefore reports whether a criticism phrase ends just before hit
// h, on its line and with only a few words between ("stop calling them
// frequent flyers", "please don't call her a drama queen"): the term then
// names what is criticised, quoted or not. A term said to someone after
// the phrase ("stop calling the desk, you drug seeker") is said, not
// criticised: a comma, "you" or "me" between keeps it.
func (e *Engine) criticisedBefore(text string, st *scanState, h *hit) bool {
	const reach = 24 // bytes between the phrase's end and the term: "them", "people", "her a"
	for i := range st.hits {
		c := &st.hits[i]
		if !e.rules[c.rule].Criticism || st.silenced[c.rule] || c.end > h.start || h.start-c.end > reach {
			continue
		}
		if gap := text[c.end:h.start]; strings.IndexAny(gap, "\n.!?;,") < 0 && !addressed(gap) {
			return true
		}
	}
	return false
}

// criticisedAfter reports whether a criticism phrase that predicates the
// term follows hit h at once ("Drug seeker is not a diagnosis", "'gomer'
// is a slur", "Frequent flyer no es un diagnóstico"): the term is the
// subject of the criticism, not said of anyone.
func (e *Engine) criticisedAfter(text string, st *scanState, h *hit) bool {
	for i := range st.hits {
		c := &st.hits[i]
		if !e.rules[c.rule].Criticism || st.silenced[c.rule] || c.start < h.end || c.start-h.end > 3 {
			continue
		}
		if strings.Trim(text[h.end:c.start], " '\"’”") != "" {
			continue
		}
		w := strings.ToLower(text[c.start:c.end])
		if strings.HasPrefix(w, "is ") || strings.HasPrefix(w, "isn") || strings.HasPrefix(w, "are ") || strings.HasPrefix(w, "no es ") {
			return true
		}
	}
	return false
}

// criticisedAsWords reports whether a criticism phrase later in the post
// names what came before it as words ("Gomer. Frequent flyer. Drug seeker.
// If you still use these words, your patients can hear you", "The only
// frequent flyer I talk about is my airline miles #retiretheterm"): the
// terms are listed to be criticised, not said of anyone.
func (e *Engine) criticisedAsWords(text string, st *scanState, h *hit) bool {
	const reach = 240 // bytes from the term to the phrase
	for i := range st.hits {
		c := &st.hits[i]
		if !e.rules[c.rule].Criticism || st.silenced[c.rule] || c.start < h.end || c.start-h.end > reach {
			continue
		}
		w := strings.ToLower(text[c.start:c.end])
		for _, n := range [...]string{"word", "words", "term", "terms", "label", "labels"} {
			if strings.HasSuffix(w, n) {
				return true
			}
		}
	}
	return false
}

// addressed reports whether gap holds a word of address or of the author
// ("you", "me"): the words after it are said to someone, not criticised.
func addressed(gap string) bool {
	for w := range strings.FieldsSeq(gap) {
		for _, a := range [...]string{"you", "u", "ya", "me", "us"} {
			if strings.EqualFold(w, a) {
				return true
			}
		}
	}
	return false
}

// isLetterByte reports whether b is an ASCII letter or digit, or part of a
// multi-byte character (a letter in most scripts): what an apostrophe
// inside a word touches.
func isLetterByte(b byte) bool { return isWordByte(b) || b >= 0x80 }

// personalNumber reports whether an identifier of this type is a number
// that belongs to one person: with their name it identifies them.
func personalNumber(id Identifier) bool {
	switch id {
	case IDSSN, IDMRN, IDHealthPlan, IDAccount, IDLicense:
		return true
	}
	return false
}
