package rules

// Vehicle identifiers: a VIN (17 characters with its check digit, or any
// after "VIN") and a licence plate after "plate" or "tag".

// detVIN finds a vehicle identification number.
var detVIN = detector{
	name:   "vin",
	doc:    `A VIN with its check digit: "1HGCM82633A004352".`,
	shapes: []string{"vin"},
	cues:   []string{"vin_cue"},
	on:     kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shVIN)
		if r < 0 || len(c.w) != 17 || !isVIN(c.w, c.cue(3, &c.e.b.cue.vin)) {
			return 0
		}
		c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		return c.i + 1
	},
}

// detPlate finds a licence plate: five to eight capitals and digits after
// "plate" or "tag", with at least two digits, or one right after the cue.
var detPlate = detector{
	name:   "plate",
	doc:    `A licence plate after "plate": "plate 7ABC123".`,
	shapes: []string{"vin"},
	cues:   []string{"plate_cue"},
	on:     kDigitFirst | kAlnum,
	token: func(c *tokCtx) int {
		r := c.e.ruleOf(shVIN)
		d := countDigits(c.w)
		if r < 0 || len(c.w) < 5 || len(c.w) > 8 || c.t.flags&tAllCaps == 0 || d < 1 || !c.cue(14, &c.e.b.cue.plate) {
			return 0
		}
		// A vanity plate of one digit ("plate GRNBUG2") only right after its cue.
		if d < 2 && !c.cue(2, &c.e.b.cue.plate) {
			return 0
		}
		c.add(r, c.i, c.i+1, int(c.t.start), int(c.t.end))
		return c.i + 1
	},
}
