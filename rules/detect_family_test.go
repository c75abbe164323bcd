package rules

import "testing"

// TestOwnFamily checks which openings detOwnFamily takes for a post about
// the author's own relative, from the detector's hits alone (the model's
// verdicts move with each retraining).
func TestOwnFamily(t *testing.T) {
	e := mustEngine(t, "")
	r := e.ruleOf(shOwnFamily)
	if r < 0 {
		t.Fatal("no rule has the own_family shape")
	}
	for _, tc := range []struct {
		text string
		want string // the hit's text, or "" for none
	}{
		{"My dad (83) got his pacemaker last month and mowed the lawn today.", "My dad"},
		{"my own kid got his braces on today 😬", "my own kid"},
		{"My little one lost her first tooth!!! Born March 3 2019 and already a drama queen", "My little one"},
		{"Mi hija de 5 años se hizo su primera radiografía hoy.", "Mi hija"},
		{"Gait training day with my stubborn dad after his knee replacement.", "my stubborn dad"},
		{"my 94-year-old great-grandma just beat me at Scrabble.", "my 94-year-old great-grandma"},
		{"my grandma's 100th birthday party was today!", "my grandma's"},
		{"My husband's LDL came back 190 and he is shocked.", "My husband's"},
		{"Happy birthday mom!", "birthday mom"},
		{"love you dad", "you dad"},
		// "day" greets only a day of greeting: "Leap day baby!" is a delivery.
		{"Happy Mother's Day mom!", "Day mom"},
		{"Happy Fathers Day dad", "Day dad"},
		{"Leap day baby!! Born 2/29 at 4:12am on our L&D.", ""},
		{"Game day baby!", ""},
		// A family title used as a name.
		{"Grandpa Joe turned 97 yesterday and still beat me at checkers.", "Grandpa Joe"},
		{"Update for the family: Grandpa Joe turns 94 on Sunday!", "Grandpa Joe"},
		{"Abuela Carmen cumple 95 hoy.", "Abuela Carmen"},
		{"Our Grandpa Joe on 5 West turned 97 today.", ""},
		{"The grandpa in bed 4 turned 97 today.", ""},
		{"grandpa joe turned 97 today", ""},
		{"Grandpa Joe's neighbor came in by ambulance today.", ""},
		{"Answering your message here, Grandpa Joe: your grandson is fine.", ""},
		{"@AuntieLoisP yes Lois, Uncle Raymond can have ice cream now!", ""},
		{"Update on the Mendoza family (we know them, Abuela Rosa's on chemo).", ""},
		// The title alone, possessive, opening the post.
		{"Grandpa's 102nd birthday party today 🎂 he drove an ambulance in the 1950s", "Grandpa's"},
		{"Grandma's pacemaker check went great today! She's 93 and sassy as ever.", "Grandma's"},
		{"Grandma's nurse on 4 West told me the best story today.", ""},
		{"The grandma's pacemaker in bed 4 alarmed all night.", ""},
		{"my kiddo got her first stitches today 😭", "my kiddo"},
		// A relative greeted, but not at the end of the sentence.
		{"Happy birthday to the mom in bed 4 who delivered today.", ""},
		// Later than the first sentence: background, not the subject.
		{"Long night on 5 West. Went home and called my dad.", ""},
		// After a short opener, the second sentence is the first.
		{"Long post, sorry. My mom gave me her blessing to share this.", "My mom"},
		{"Ok so. my 4yo woke up at 2am with that seal-bark cough.", "my 4yo"},
		{"Long post, sorry. I need to get this out. My dad was in the ICU.", ""},
		// A link to someone else, possessive or with "of"/"de".
		{"Small town: my kid's soccer coach came in on a psych hold.", ""},
		{"Hoy atendí a la maestra de mi hijo en la farmacia.", ""},
		{"my son's teacher came in for her refill today.", ""},
		{"That lady reminded me of my grandma today.", ""},
		// "of"/"de" after a word that keeps the relative the subject.
		{"Cumpleaños 95 de mi abuela Carmen hoy en Oaxaca.", "mi abuela"},
		{"So proud of my daughter Imani today!", "my daughter"},
		{"Found an old photo of my grandpa in his Navy uniform.", "my grandpa"},
		{"Finally accepted Mrs. Okafor's friend request, she comments on every photo of my kids now.", ""},
		// Inside a quotation: the patient speaking.
		{"Teen refused transport because 'my mom will kill me' lol.", ""},
		{`He said "my wife made me come in" and sat down.`, ""},
		// A post that names a patient is about the patient.
		{"My husband says my patient in bed 4 is lucky to have me.", ""},
		{"my 94yo grandma beat me at Wordle again. also my most compliant 'pt': takes her meds", "my 94yo grandma"},
		// A public reply to a relative.
		{"Reply to my cousin @bethanyg_87: yes your mom's dig level came back high.", ""},
		// Patience and a physical therapist are not a patient.
		{"My mom got her dentures at 71. Be patient with your denture people.", "My mom"},
		{"My grandma (92!) told her own PT he was too skinny to help her up.", "My grandma"},
		{"Cute little update from my own kitchen: my 92yo grandpa asked for my oats recipe.", "my 92yo grandpa"},
		// A child's age standing for the child.
		{"Things my own 6 yo asked during her ER visit: 'is the IV the wifi?'", "my own 6 yo"},
		{"Took my 12-month-old for her MMR and varicella today.", "my 12-month-old"},
		{"my 4yo woke up at 2am with that seal-bark cough.", "my 4yo"},
		{"My 4 y/o s/p her first set of ear tubes this morning, the ENT team was incredible.", "My 4 y/o"},
		{"My 84 y/o on 5 West s/p CABG is walking laps.", ""},
		// An adult's age is a patient's ("my 97yo on 6 North"), and an
		// age may go on to name someone else.
		{"My 97yo on 6 North keeps calling me 'young lady'.", ""},
		{"A man yelled at my 19yo tech today over a copay.", ""},
		{"my 6 yo's teacher called today.", ""},
		{"my 8 year old neighbor fell off her bike.", ""},
		// Not a relative.
		{"My partner and I ran a code at 3am.", ""},
	} {
		st := &scanState{silenced: make([]bool, len(e.rules))}
		e.tokenize(tc.text, st)
		e.detectOwnFamily(tc.text, st)
		got := ""
		for _, h := range st.hits {
			if h.rule == r {
				got = tc.text[h.start:h.end]
			}
		}
		if got != tc.want {
			t.Errorf("%q: own_family hit %q, want %q", tc.text, got, tc.want)
		}
	}
}
