package rules

import (
	"strings"
)

// detURL finds web addresses: http(s)://..., www.... and bare domains.
var detURL = detector{
	name:   "url",
	doc:    `A web address: "https://gofundme.com/f/ana", "www.example.org", "gofundme.com/x".`,
	shapes: []string{"url"},
	pass:   (*Engine).detectURLs,
}

// tlds are the endings of a bare domain ("gofundme.com/...") that count as a
// URL without a scheme.
var tlds = map[string]bool{"com": true, "org": true, "net": true, "edu": true, "gov": true, "io": true,
	"co": true, "us": true, "me": true, "ly": true, "info": true, "health": true, "care": true, "app": true,
	"uk": true, "ca": true, "link": true, "page": true, "site": true, "blog": true, "example": true, "mil": true,
	"biz": true, "ai": true, "dev": true, "clinic": true, "hospital": true, "to": true, "tv": true, "news": true, "nhs": true,
	"au": true, "nz": true, "ie": true, "de": true, "fr": true, "es": true, "mx": true, "in": true, "ng": true, "za": true, "eu": true}

// detectURLs finds http(s)://..., www.... and bare domains with a known TLD.
func (e *Engine) detectURLs(text string, st *scanState) {
	r := e.ruleOf(shURL)
	if r < 0 {
		return
	}
	toks := st.toks
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		// Every URL shape has a '.' or ':' right after its first word (tSepAfter).
		if t.flags&tSepAfter == 0 || text[t.end] == '-' {
			continue
		}
		w := text[t.start:t.end]
		start := int(t.start)
		if t.start > 0 && text[t.start-1] == '@' {
			continue // part of an e-mail address
		}
		isURL := false
		switch {
		case (w == "http" || w == "https" || w == "HTTP" || w == "HTTPS") && strings.HasPrefix(text[t.end:], "://"):
			isURL = true
		case (w == "www" || w == "WWW") && strings.HasPrefix(text[t.end:], "."):
			isURL = true
		default:
			// A bare domain: label(.label)*.tld
			k := i
			for k+1 < len(toks) && text[toks[k].end:toks[k+1].start] == "." {
				k++
			}
			if k > i && toks[k].flags&tDigit == 0 {
				tld := strings.ToLower(text[toks[k].start:toks[k].end])
				// A known ending, or any short one followed by a path.
				isURL = tlds[tld] || len(tld) >= 2 && len(tld) <= 6 && int(toks[k].end) < len(text) && text[toks[k].end] == '/'
			}
		}
		if !isURL {
			continue
		}
		end := int(t.end)
		for end < len(text) && isURLByte(text[end]) {
			end++
		}
		for end > start && strings.IndexByte(".,;:!?)'\"", text[end-1]) >= 0 {
			end--
		}
		if end <= int(t.end) && w != "www" {
			// a bare domain is at least label.tld
			if !strings.Contains(text[start:end], ".") {
				continue
			}
		}
		j := tokenAt(toks, end-1) + 1
		st.add(r, toks, i, j, start, end)
		i = j - 1
	}
}
