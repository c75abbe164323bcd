package rules

import "testing"

// TestNewsReportIsNoPatientStory checks the news_report context: a report
// whose facts are attributed to the police or officials tells the news's
// story, not a patient's, unless the author says the person was theirs.
func TestNewsReportIsNoPatientStory(t *testing.T) {
	e := mustEngine(t, "")
	privacyAt := func(text string) Severity {
		var top Severity
		for _, f := range e.Scan(text).Findings {
			if f.Category == Privacy && f.Severity.Rank() > top.Rank() {
				top = f.Severity
			}
		}
		return top
	}
	for _, text := range []string{
		"A 34-year-old Dayton man was flown to Miami Valley Hospital in critical condition after his pickup struck a utility pole Saturday night, police said.",
		"Fire officials say a 63-year-old woman and her 8-year-old grandson were treated for smoke inhalation after a kitchen fire in Ridley Township early Sunday.",
		"Según la policía, un hombre de 40 años fue trasladado anoche al Hospital del Valle tras un choque en la carretera 12.",
		// An encounter phrase ("woman died") in a report with no word
		// of the author's own is the news's, not a patient's.
		"The Harlan County coroner says a 36-year-old Pine Knot woman died of hypothermia after her car slid off Route 421 during Tuesday's ice storm.",
		"Heartwarming, per the Tribune: a 9-year-old boy was rushed to Northwood Hospital after a dog bite on Maple Street last Tuesday and is home now.",
		// The news's own registers: a fire department, a coach, an
		// obituary, a public-health notice, a story passed on.
		"Pembrook Fire Dept: crews rescued a 78-year-old woman who fell in her bathtub and could not get up for nearly two days.",
		"Coach confirmed today that LB Terrence Boyd tore his pec in practice and will have surgery Monday.",
		"After 18 months and 3 surgeries, senior outfielder Chloe Ramirez stepped back onto the field today.",
		"Obituario: Rosa Elena Villalobos, de 79 años, falleció el 12 de octubre en el Hospital San Rafael, rodeada de su familia.",
		"Public health notice from Ridgeway County: a bat found near the playground at Linden Park on Saturday tested positive for rabies.",
		"Posting the news story since people keep asking about the helicopter: a roofer in his 30s fell from a two-story house on Birch Lane this morning.",
		"Police blotter in the Post said a 31-year-old woman overdosed in the restroom of the Main St library Tuesday and a librarian used the Narcan to revive her.",
		// A public figure's own words about their health, passed on.
		"Former NBA guard and TV analyst Curtis Langley posted today that he had a mild heart attack last week and had two stents put in. Glad he's okay.",
		"That tennis player who collapsed on court at the open last week says on IG it was a heat stroke and she's out of the hospital. Glad she's ok.",
	} {
		if got := privacyAt(text); got.Rank() >= Warn.Rank() {
			t.Errorf("news report flagged as privacy %s: %q", got, text)
		}
	}
	for _, text := range []string{
		"My patient tonight was the 34-year-old Dayton man from the pole crash on Route 48, police said he was speeding. Still intubated in bed 12.",
		"Police said the 36-year-old woman who died after the Route 421 crash was the lady we coded in our ER at 3am. Her husband Mark was there the whole time.",
		// A fire chief is a patient's occupation, not the news's source.
		"post-call brain dump: 67 y/o M, retired fire chief from Harlow Creek, rolled in w/ an anterior STEMI at 0300. cath lab had the LAD open in 41 min.",
		"Coach confirmed what we all suspected when he came into our ED: LB Terrence Boyd tore his pec, and I splinted him myself at 2am in bed 6.",
		"My patient Dana Reyes posted today that she had her chemo port placed on our unit, and I'm so proud of her, room 12 is cheering.",
	} {
		if got := privacyAt(text); got.Rank() < Warn.Rank() {
			t.Errorf("patient story in a news frame not flagged (got %q): %q", got, text)
		}
	}
}

// TestSpanishFunctionWordsAreNoNames checks that Spanish function words
// that are also names somewhere ("Si", "Tu", "Esta", "Nada") are not read
// as a patient's name: "un paciente si..." is "a patient if...".
func TestSpanishFunctionWordsAreNoNames(t *testing.T) {
	e := mustEngine(t, "")
	for _, text := range []string{
		"Le pregunté a la mamá de un paciente si estaba soltera, y me dijo que no.",
		"¿Ustedes le dicen el resultado al paciente si se los pide en ventanilla? Aquí la regla es que solo el médico.",
		"Esta semana un paciente me dijo que nada le ayudaba. Tu trabajo importa, compañera.",
	} {
		for _, f := range e.Scan(text).Findings {
			if f.Rule == "privacy.name" {
				t.Errorf("%q read as a name in %q", text[f.Start:f.End], text)
			}
		}
	}
}
