package rules

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
