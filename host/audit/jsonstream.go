package audit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// eachElement streams the elements of the JSON array at the top of dec, or
// of every array-valued key of a top-level object (Facebook's
// {"comments_v2": [...]}), calling fn once per element with dec positioned
// on it. Only one element is decoded at a time.
func eachElement(dec *json.Decoder, fn func(dec *json.Decoder) error) error {
	return eachArray(dec, fn, func() error {
		for dec.More() {
			if _, err := dec.Token(); err != nil { // key
				return err
			}
			if err := eachValue(dec, fn); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}, errors.New("expected a JSON array or object"))
}

// eachValue streams an array value, or skips any other value.
func eachValue(dec *json.Decoder, fn func(dec *json.Decoder) error) error {
	return eachArray(dec, fn, func() error { return skipRest(dec, 1) }, nil)
}

// eachArray reads a token: an array's elements go to fn, an object (dec
// past its '{') to object, anything else returns other.
func eachArray(dec *json.Decoder, fn func(dec *json.Decoder) error, object func() error, other error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		return eachInArray(dec, fn)
	case json.Delim('{'):
		return object()
	}
	return other
}

func eachInArray(dec *json.Decoder, fn func(dec *json.Decoder) error) error {
	for dec.More() {
		if err := fn(dec); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return err
}

// skipRest skips tokens until depth open delimiters are closed.
func skipRest(dec *json.Decoder, depth int) error {
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// skipToArray consumes an X archive's "window.YTD.tweets.part0 = " prefix,
// leaving r at the '['.
func skipToArray(r *bufio.Reader) error {
	for {
		b, err := r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return errors.New("no JSON array after the window.YTD assignment")
			}
			return err
		}
		if b == '=' {
			break
		}
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		if b == '[' {
			return r.UnreadByte()
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return fmt.Errorf("expected a JSON array after the window.YTD assignment, found %q", b)
		}
	}
}

// jsonError explains a decoding error in terms a person can act on.
func jsonError(err error, dec *json.Decoder, posts int) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("the file ends in the middle of its JSON after %s: it looks truncated (the posts before were read)", cli.Plural(posts, "post"))
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d (%v) after %s; the rest of the file was skipped", syn.Offset, syn, cli.Plural(posts, "post"))
	case errors.As(err, &typ):
		return fmt.Errorf("unexpected JSON at byte %d: field %q is %s, expected %s; the rest of the file was skipped", typ.Offset, typ.Field, typ.Value, typ.Type)
	}
	if dec != nil {
		return fmt.Errorf("%w (at byte %d, after %s)", err, dec.InputOffset(), cli.Plural(posts, "post"))
	}
	return err
}

// fixMojibake repairs Meta's export escaping: the UTF-8 bytes of the text
// written as one \u00XX code point each ("é" as "\u00c3\u00a9"). When every
// code point is at most U+00FF and some are not ASCII, the code points are
// taken as bytes; the result replaces s only when it is valid UTF-8.
func fixMojibake(s string) string {
	high := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r > 0xFF {
			return s
		}
		if r >= 0x80 {
			high = true
		}
		i += size
	}
	if !high {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

// unescapeX undoes the HTML escaping X applies to tweet text.
var unescapeX = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace
