package rules

import "unicode/utf8"

// Error is a problem with a policy or a rule pack. Field, when set, is the
// path of the offending field, such as "record_formats[2].pattern", so the
// author knows exactly what to change.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return "field " + e.Field + ": " + e.Msg
}

func fieldErr(field, msg string) error { return &Error{Field: field, Msg: msg} }

// quote writes s in double quotes for an error message, as strconv.Quote
// does for the text a policy author types: quotes, backslashes, control
// characters, invisible format characters and bytes that are not UTF-8 are
// escaped; other characters, accents and scripts included, are kept as
// written. strconv.Quote would do the same with the module carrying its
// printability tables.
func quote(s string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				if c < 0x20 || c == 0x7f {
					b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
		case invisible(r):
			b = append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(append(b, '"'))
}

// invisible reports whether r prints as nothing or moves text about: C1
// controls, the soft hyphen, zero-width and direction marks, line and
// paragraph separators, word joiners and the byte-order mark.
func invisible(r rune) bool {
	return r >= 0x80 && r <= 0xa0 || r == 0xad || r >= 0x200b && r <= 0x200f ||
		r >= 0x2028 && r <= 0x202e || r >= 0x2060 && r <= 0x206f || r == 0xfeff
}
