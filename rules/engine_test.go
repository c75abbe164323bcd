package rules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// got is a finding reduced to what a table test states.
type got struct {
	Rule, Sev, Ident, Text string
}

func reduce(text string, res Result) []got {
	var out []got
	for _, f := range res.Findings {
		out = append(out, got{f.Rule, string(f.Severity), string(f.Identifier), text[f.Start:f.End]})
	}
	return out
}

func TestScanTable(t *testing.T) {
	e := mustEngine(t, "")
	rulesOnly := mustEngine(t, `{"disable": ["privacy.learned", "boundaries.learned", "conduct.learned", "misinformation.learned", "disclosure.learned"]}`)
	for _, tc := range []struct {
		name, text string
		want       []got
		// noLearned scans with the learned rules disabled, so the model
		// neither adds findings nor vetoes the rules' context: the row is
		// about the rules (spans, weighing), and the model's verdicts move
		// with each retraining (model_test.go tests them).
		noLearned bool
	}{
		{
			name: "named patient with MRN, room and phone",
			text: "My patient John Smith, MRN 44120931, was discharged today from room 214. Call 555-201-7788.",
			want: []got{
				{"privacy.story", "warn", "", "My patient"},
				{"privacy.name", "block", "name", "John Smith"},
				{"privacy.mrn", "block", "mrn", "MRN 44120931"},
				{"privacy.quasi.time", "info", "", "today"},
				{"privacy.room", "block", "other_id", "room 214"},
				{"privacy.phone", "block", "phone", "555-201-7788"},
			},
		},
		{
			name: "a first name alone as the post's last word is read too",
			text: "My patient in room 9 asked for a third pudding. Enjoy, Richard.",
			want: []got{
				{"privacy.room", "block", "other_id", "room 9"},
				{"privacy.name", "warn", "name", "Richard"},
			},
			noLearned: true,
		},
		{
			name: "a name the room phrase reads before the room stays a finding of its own; the room's span is the room",
			text: "Mrs. Feldstein in 7B has called the nurse 41 times tonight.",
			want: []got{
				{"privacy.name", "block", "name", "Mrs. Feldstein"},
				{"privacy.story", "warn", "", "Mrs. Feldstein"},
				{"privacy.room", "block", "other_id", "in 7B"},
				{"privacy.quasi.time", "info", "", "tonight"},
			},
			noLearned: true,
		},
		{
			name: "permission and details changed (the phrase that once needed \"identifying\") lower the story",
			text: "Shared with permission, details changed: a patient told me today that our calm voices got her through her first MRI.",
			want: []got{
				{"privacy.story", "info", "", "a patient told"},
				{"privacy.quasi.time", "info", "", "today"},
			},
			noLearned: true,
		},
		{
			name:      "a placeholder name is no one's",
			text:      "Sample label for our new-tech deck: Jane Doe, atorvastatin 20 mg, take 1 tab at bedtime.",
			want:      []got{{"privacy.name", "info", "name", "Jane"}},
			noLearned: true,
		},
		{
			name:      "a placeholder date is no one's birth date",
			text:      "Patient DOB 01/01/1900 is the default when registration skips the field: check it before you give meds.",
			want:      []got{{"privacy.date", "info", "date", "01/01/1900"}},
			noLearned: true,
		},
		{
			name: "a MAC address's groups are no age and sex",
			text: "The sensor's MAC is 3C-52-82-1A-9F-07 if anyone from the vendor lurks here.",
			want: []got{{"privacy.device", "info", "device", "3C-52-82-1A-9F-07"}},
		},
		{
			name: "a simulation's mannequin is no patient, even in a lab",
			text: "Sim lab mannequin Stan has SSN 900-12-3456 printed on his wristband. He coded twice today.",
			want: []got{
				{"privacy.name", "info", "name", "Stan"},
				{"privacy.ssn", "info", "ssn", "900-12-3456"},
				{"privacy.photo", "info", "photo", "his wristband"},
			},
			noLearned: true,
		},
		{
			name: "a quoted scam text's number is no one's",
			text: "PSA: scam texts pretending to be our billing office ask patients to 'verify SSN 000-12-3456'. We will never text you for that.",
			want: []got{{"privacy.ssn", "info", "ssn", "000-12-3456"}},
		},
		{
			name: "permission with the details left out lowers the story to info",
			text: "Shared with her permission, details left out on purpose: a patient told me today that our calm voices got her through her first MRI.",
			want: []got{
				{"privacy.story", "info", "", "a patient told"},
				{"privacy.quasi.time", "info", "", "today"},
			},
			noLearned: true,
		},
		{
			name: "details changed alone is no pass",
			text: "Details changed: a patient told me today that our calm voices got her through her first MRI.",
			want: []got{
				{"privacy.story", "warn", "", "a patient told"},
				{"privacy.quasi.time", "info", "", "today"},
			},
			noLearned: true,
		},
		{
			name: "clinic phone in a benign post stays info",
			text: "Flu shots at our clinic this week! Call (555) 201-7788 to book.",
			want: []got{{"privacy.phone", "info", "phone", "(555) 201-7788"}},
		},
		{
			name: "story with three quasi-identifiers and no name blocks",
			text: "Tonight a 16 year old girl came into our ED after the homecoming crash.",
			want: []got{
				{"privacy.quasi.time", "warn", "", "Tonight"},
				{"privacy.quasi.age", "warn", "", "16 year old girl"},
				{"privacy.quasi.sex", "warn", "", "16 year old girl"},
				{"privacy.story", "block", "", "girl came"},
				{"privacy.quasi.place", "warn", "", "our ED"},
				{"privacy.quasi.event", "warn", "", "after the homecoming crash"},
			},
		},
		{
			name: "permission lowers the story but not a name",
			text: "Shared with her permission: my patient Maria Lopez, a teacher, walked today after the bus crash.",
			want: []got{
				{"privacy.story", "warn", "", "my patient"},
				{"privacy.name", "block", "name", "Maria Lopez"},
				{"privacy.quasi.occupation", "info", "", "teacher"},
				{"privacy.quasi.time", "info", "", "today"},
				{"privacy.quasi.event", "info", "", "bus crash"},
			},
		},
		{
			name: "sensitive condition tied to a named patient",
			text: "Mr. Okafor in bed 4 just found out he is HIV positive.",
			want: []got{
				{"privacy.name", "block", "name", "Mr. Okafor"},
				{"privacy.story", "warn", "", "Mr. Okafor in bed 4"},
				{"privacy.room", "block", "other_id", "bed 4"},
				{"privacy.sensitive", "block", "", "HIV positive"},
			},
		},
		{
			name: "emoji and accents before an identifier",
			text: "🏥💉 Señora Ana Ruiz, 92yo, in bed 4 😭",
			want: []got{
				{"privacy.name", "block", "name", "Señora Ana Ruiz"},
				{"privacy.story", "warn", "", "Señora Ana Ruiz"},
				{"privacy.age90", "block", "age90", "92yo"},
				{"privacy.room", "block", "other_id", "bed 4"},
			},
			noLearned: true,
		},
		{
			name: "generic teaching is silent",
			text: "Always ask your patients about their medications and check potassium before giving digoxin.",
			want: nil,
		},
		{
			name: "disclosed sponsorship passes, undisclosed warns",
			text: "Use my code NURSEJEN for 20% off these compression socks!",
			want: []got{{"disclosure.undisclosed", "warn", "", "Use my code NURSEJEN for"}},
		},
		{
			name: "disclosure tag silences the endorsement rule",
			text: "Use my code NURSEJEN for 20% off these compression socks! #ad",
			want: nil,
		},
		{
			name: "frequent flyer miles are not a slur",
			text: "Frequent flyer miles are the best perk of conferences.",
			want: nil,
		},
		{
			name: "Korean name with an honorific and an age over 89",
			text: "응급실에서 오늘 김영수 할아버지(92세)가 고맙다고 하셨다",
			want: []got{
				{"privacy.story", "warn", "", "응급실"},
				{"privacy.name", "block", "name", "김영수 할아버지"},
				{"privacy.age90", "block", "age90", "92세"},
			},
		},
		{
			name: "Japanese room and age",
			text: "今日、302号室の田中さん（95歳）が退院しました。",
			want: []got{
				{"privacy.room", "block", "other_id", "302号室"},
				{"privacy.name", "block", "name", "田中さん"},
				{"privacy.age90", "block", "age90", "95歳"},
				{"privacy.story", "warn", "", "退院"},
			},
		},
		{
			name: "a town known by its context, and a UK phone number",
			text: "Patient in Swindon asked us to ring his son on 020 7946 0958 tonight.",
			want: []got{
				{"privacy.story", "block", "", "Patient in Swindon asked"},
				{"privacy.geo", "warn", "geo", "Swindon"},
				{"privacy.quasi.sex", "warn", "", "son"},
				{"privacy.phone", "block", "phone", "020 7946 0958"},
				{"privacy.quasi.time", "warn", "", "tonight"},
			},
		},
		{
			name: "a specific patient's anecdote is worth a warning without quasi-identifiers",
			text: "A patient of mine once told me she never learned to use her inhaler.",
			want: []got{{"privacy.story", "warn", "", "A patient of"}},
		},
		{
			name: "friending a patient is a boundary problem, not a re-identification story",
			text: "Just accepted a friend request from my patient lol",
			want: []got{{"boundaries.patient_contact", "block", "", "friend request from my patient"}},
		},
		{
			name: "a post that opens about one's own relative is not a patient's story",
			text: "My dad (83) got his pacemaker last month and this morning he mowed the whole lawn. Thank you to his EP team!",
			want: nil,
		},
		{
			name: "a relative named as a link to a patient does not make the post about family",
			text: "Small town life: my kid's soccer coach came into our ED tonight on a psych hold.",
			want: []got{
				{"privacy.quasi.place", "warn", "", "my kid's"},
				{"privacy.quasi.occupation", "warn", "", "soccer coach"},
				{"privacy.story", "block", "", "came into our ED"},
				{"privacy.quasi.place", "warn", "", "our ED"},
				{"privacy.quasi.time", "warn", "", "tonight"},
				{"privacy.sensitive", "block", "", "psych hold"},
			},
			noLearned: true,
		},
		{
			name: "a patient in the post outweighs a relative in its opening",
			text: "My mom asked about my patient in room 412 today.",
			want: []got{
				{"privacy.quasi.sex", "info", "", "mom"},
				{"privacy.story", "warn", "", "mom asked"},
				{"privacy.room", "block", "other_id", "room 412"},
				{"privacy.quasi.time", "info", "", "today"},
			},
			noLearned: true,
		},
		{
			name: "a teaching case is not a patient",
			text: "Hypothetical for the interns: a 60-year-old man with chest pain tonight. Next step?",
			want: nil,
		},
		{
			name: "conduct and boundaries",
			text: "3 frequent flyers before midnight. DM me your symptoms lol",
			want: []got{
				{"conduct.derogatory", "block", "", "frequent flyers"},
				{"boundaries.solicit_advice", "warn", "", "DM me your symptoms"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := e
			if tc.noLearned {
				eng = rulesOnly
			}
			res := eng.Scan(tc.text)
			findings := reduce(tc.text, res)
			if diff := cmp.Diff(tc.want, findings); diff != "" {
				t.Errorf("Scan(%q) (-want +got):\n%s", tc.text, diff)
			}
			checkSpans(t, tc.text, res)
		})
	}
}

// checkSpans asserts the span properties every result must have.
func checkSpans(t testing.TB, text string, res Result) {
	t.Helper()
	u16 := utf16.Encode([]rune(strings.ToValidUTF8(text, "\uFFFD")))
	for _, f := range res.Findings {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("%s: span [%d,%d) out of bounds for %d bytes", f.Rule, f.Start, f.End, len(text))
		}
		if cutsRune(text, f.Start) || cutsRune(text, f.End) {
			t.Fatalf("%s: span [%d,%d) cuts a rune", f.Rule, f.Start, f.End)
		}
		if utf8.ValidString(text) {
			if f.End16 > len(u16) || f.Start16 >= f.End16 {
				t.Fatalf("%s: UTF-16 span [%d,%d) out of bounds", f.Rule, f.Start16, f.End16)
			}
			if a, b := string(utf16.Decode(u16[f.Start16:f.End16])), text[f.Start:f.End]; a != b {
				t.Fatalf("%s: UTF-16 span gives %q, bytes give %q", f.Rule, a, b)
			}
		}
		if !f.Category.valid() || !f.Severity.valid() || !f.Identifier.valid() || f.Message == "" || f.Citation == "" {
			t.Fatalf("%s: bad fields %+v", f.Rule, f)
		}
	}
}

// cutsRune reports whether offset p falls inside a valid UTF-8 sequence.
func cutsRune(text string, p int) bool {
	for k := p - 1; k >= 0 && k >= p-3; k-- {
		if utf8.RuneStart(text[k]) {
			r, size := utf8.DecodeRuneInString(text[k:])
			return k+size > p && !(r == utf8.RuneError && size == 1)
		}
	}
	return false
}

func TestUTF16Spans(t *testing.T) {
	e := mustEngine(t, "")
	for _, text := range []string{
		"👩🏽‍⚕️ my patient John Smith in room 12 call 555-201-7788",
		"今天在医院 my patient 张伟, DOB 03/04/1961, room 12",
		"שלום patient Miriam Cohen, 555-0134, ward 3B",
		"é\u0301 Mr. Okafor 🇺🇸 bed 4",
	} {
		res := e.Scan(text)
		if len(res.Findings) == 0 {
			t.Errorf("no findings in %q", text)
		}
		checkSpans(t, text, res)
	}
}

func TestInvalidUTF8(t *testing.T) {
	e := mustEngine(t, "")
	text := "my patient \xff\xfe John Smith \xc3 room 214 \xe2\x82"
	res := e.Scan(text)
	checkSpans(t, text, res)
	data := AppendResultJSON(nil, res)
	if !json.Valid(data) {
		t.Fatalf("invalid JSON for invalid UTF-8 input: %s", data)
	}
}

func TestHugePostIsCut(t *testing.T) {
	e := mustEngine(t, "")
	text := strings.Repeat("é", maxScanBytes/2) + "x call 555-201-7788"
	res := e.Scan(text)
	for _, f := range res.Findings {
		if f.End > maxScanBytes {
			t.Fatalf("finding past the scan limit: %+v", f)
		}
	}
}

// TestResultJSON checks the hand-written encoder against encoding/json.
func TestResultJSON(t *testing.T) {
	e := mustEngine(t, "")
	text := "My patient \"John Smith\" <b>, MRN 44120931 & call 555-201-7788\u2028 \t\x01 😭"
	res := e.Scan(text)
	data := AppendResultJSON(nil, res)
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal: %v\n%s", err, data)
	}
	if diff := cmp.Diff(res, back); diff != "" {
		t.Errorf("round trip (-scan +json):\n%s", diff)
	}
	std, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(std, &a)
	json.Unmarshal(data, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("AppendResultJSON differs from encoding/json (-std +ours):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	e := mustEngine(t, "")
	first := e.Scan(post)
	for i := 0; i < 5; i++ {
		if diff := cmp.Diff(first, e.Scan(post)); diff != "" {
			t.Fatalf("scan %d differs:\n%s", i, diff)
		}
	}
}

func TestConcurrentScans(t *testing.T) {
	e := mustEngine(t, "")
	want := e.Scan(post)
	done := make(chan Result)
	for i := 0; i < 8; i++ {
		go func() { done <- e.Scan(post) }()
	}
	for i := 0; i < 8; i++ {
		if diff := cmp.Diff(want, <-done); diff != "" {
			t.Fatalf("concurrent scan differs:\n%s", diff)
		}
	}
}

func TestCJKPhrases(t *testing.T) {
	e := mustEngine(t, "")
	for text, rule := range map[string]string{
		"我是药剂师，有用药问题的可以私信我":                  "boundaries.solicit_advice",
		"このサプリ本当におすすめ！私のコード NURSEAYA で10%オフ": "disclosure.undisclosed",
	} {
		found := false
		for _, f := range e.Scan(text).Findings {
			found = found || f.Rule == rule
		}
		if !found {
			t.Errorf("%q: no %s finding", text, rule)
		}
	}
	// "コードブルー" (code blue) is not a discount code.
	for _, f := range e.Scan("コードブルーの訓練でした").Findings {
		if f.Rule == "disclosure.undisclosed" {
			t.Errorf("code blue flagged as a discount code")
		}
	}
}

// TestResultCompactJSON expands the compact answer the way the extension
// does and checks it gives back every finding of the full one, over the
// evaluation corpus (stories, custom messages, shared and own fixes).
func TestResultCompactJSON(t *testing.T) {
	e := mustEngine(t, "")
	texts := append(longestCorpusPosts(t, 60), post, densePost, "My patient \"John Smith\" <b>, MRN 44120931 & call 555-201-7788\u2028 \t\x01 😭")
	for _, text := range texts {
		res := e.Scan(text)
		var c struct {
			Findings []map[string]any
			Texts    map[string]map[string]any
			Summary  Summary
		}
		data := AppendResultCompactJSON(nil, res)
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("Unmarshal: %v\n%s", err, data)
		}
		for _, f := range c.Findings {
			tx := c.Texts[f["rule"].(string)]
			if tx == nil {
				t.Fatalf("no texts for %v in %s", f["rule"], data)
			}
			for k, v := range tx {
				if _, ok := f[k]; !ok {
					f[k] = v
				}
			}
		}
		full, _ := json.Marshal(c.Findings)
		var back Result
		if err := json.Unmarshal(full, &back.Findings); err != nil {
			t.Fatal(err)
		}
		back.Summary = c.Summary
		if diff := cmp.Diff(res, back); diff != "" {
			t.Fatalf("compact answer for %.60q expands differently (-scan +compact):\n%s", text, diff)
		}
		// Each rule's texts travel once: with many findings of few rules,
		// the compact answer is less than half the full one.
		rulesSeen := map[string]bool{}
		for _, f := range res.Findings {
			rulesSeen[f.Rule] = true
		}
		if n, m := len(data), len(AppendResultJSON(nil, res)); len(res.Findings) > 20 && 3*len(rulesSeen) <= len(res.Findings) && n*2 > m {
			t.Errorf("compact answer is %d bytes, the full one %d (%d findings of %d rules) for %.80q", n, m, len(res.Findings), len(rulesSeen), text)
		}
	}
}

// TestHandles checks that a person's @handle is a name, raised in a post
// about a patient, while an organisation's handle, a colleague's handle and
// the part of an e-mail address after its '@' are not patients' names.
func TestHandles(t *testing.T) {
	e := mustEngine(t, "")
	for _, tc := range []struct {
		text string
		want []got
	}{
		{"My patient's daughter @jess.whitaker22 asked for an update: he went home today.",
			[]got{{"privacy.name", "block", "name", "@jess.whitaker22"}}},
		{"Great to meet @kaylee_m at the conference.",
			[]got{{"privacy.name", "info", "name", "@kaylee_m"}}},
		{"Thanks @drsmith for covering my patient in bed 4 tonight.",
			[]got{{"privacy.name", "info", "name", "@drsmith"}}},
		{"New guidance from @CDCgov and @MercyHealth_News on measles.", nil},
		{"Email referrals@verdecardio.example for an appointment.", nil},
	} {
		var names []got
		for _, g := range reduce(tc.text, e.Scan(tc.text)) {
			if g.Rule == "privacy.name" {
				names = append(names, g)
			}
		}
		if diff := cmp.Diff(tc.want, names); diff != "" {
			t.Errorf("%q: names (-want +got):\n%s", tc.text, diff)
		}
	}
}

// TestHealthNewsRarelyFlagged checks the detection issue's bar for
// ordinary health-news posts (testdata/news, never trained on): at most 2%
// flagged at warn or above.
func TestHealthNewsRarelyFlagged(t *testing.T) {
	data, err := os.ReadFile("testdata/news/news.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	e := mustEngine(t, "")
	n, flagged := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var p struct{ ID, Text string }
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		n++
		for _, f := range e.Scan(p.Text).Findings {
			if f.Severity != Info {
				flagged++
				t.Logf("%s: %s %s", p.ID, f.Rule, f.Severity)
				break
			}
		}
	}
	if n < 300 {
		t.Fatalf("read %d posts, want 300", n)
	}
	if flagged*50 > n {
		t.Errorf("%d of %d health-news posts flagged at warn or above, over 2%%", flagged, n)
	}
}

// TestStatePoolReusesAndBounds checks that a returned scan state is lent
// again and that no more than maxFreeStates are kept.
func TestStatePoolReusesAndBounds(t *testing.T) {
	var p statePool
	a := p.get()
	p.put(a)
	if b := p.get(); b != a {
		t.Fatalf("get after put lent a new state, want the returned one")
	}
	for range maxFreeStates + 5 {
		p.put(&scanState{})
	}
	if len(p.free) != maxFreeStates {
		t.Fatalf("pool keeps %d states, want at most %d", len(p.free), maxFreeStates)
	}
}
