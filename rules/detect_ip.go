package rules

// detIP finds IPv4 addresses: four dot-separated numbers up to 255.
var detIP = detector{
	name:   "ip",
	doc:    `An IPv4 address: "192.168.4.21".`,
	shapes: []string{"ip"},
	on:     kRun,
	token: func(c *tokCtx) int {
		if !c.run.isIP(c.text, int(c.t.start)) {
			return 0
		}
		if r := c.e.ruleOf(shIP); r >= 0 {
			c.add(r, c.i, c.j, c.start, c.run.end)
		}
		return c.j
	},
}
