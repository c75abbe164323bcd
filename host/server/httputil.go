package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Body size limits. A policy is limited by rules.MaxPolicyBytes; the rest
// are small JSON objects.
const (
	maxSmallBody  = 16 << 10
	maxCountsBody = 64 << 10
)

// apiError is the body of every error answer. Field names the offending
// policy field when a policy does not validate.
type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSONCached(w, status, v)
}

// writeJSONCached writes v without touching Cache-Control.
func writeJSONCached(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// readBody reads at most limit bytes of the request body; a larger body is
// an error the caller answers with 413.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body is larger than "+strconv.FormatInt(limit, 10)+" bytes")
		} else {
			writeError(w, http.StatusBadRequest, "could not read the request body")
		}
		return nil, false
	}
	return b, true
}

// decodeStrict reads a JSON object into v: unknown fields, trailing data
// and bodies over limit are errors answered here (400 or 413).
func decodeStrict(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	b, ok := readBody(w, r, limit)
	if !ok {
		return false
	}
	if err := checkKeys(b); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	if _, err := d.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "invalid JSON body: data after the object")
		return false
	}
	return true
}

// checkKeys walks a JSON text's objects and refuses a key given twice in
// one object and a top-level field name that is not all lower case
// (encoding/json would take the last of two and match "Day" to "day": a
// body must mean one thing to every reader). Every field of the API is
// lower case; deeper keys (rule ids in counts) are checked by their
// handlers.
func checkKeys(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next string token of an object is a key
	}
	var stack []frame
	for {
		t, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // the decoder reports syntax errors itself
		}
		top := len(stack) - 1
		switch t := t.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, keys: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, frame{})
				continue
			default:
				stack = stack[:top]
			}
		case string:
			if top >= 0 && stack[top].object && stack[top].key {
				if stack[top].keys[t] {
					return errors.New("key " + strconv.Quote(t) + " given twice")
				}
				if top == 0 && strings.ToLower(t) != t {
					return errors.New("key " + strconv.Quote(t) + " is not lower case")
				}
				stack[top].keys[t] = true
				stack[top].key = false
				continue
			}
		}
		if top = len(stack) - 1; top >= 0 && stack[top].object {
			stack[top].key = true // a value ended: a key comes next
		}
	}
}

// decodeOptional is decodeStrict for a body that may also be empty (then v
// keeps its defaults).
func decodeOptional(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	b, ok := readBody(w, r, limit)
	if !ok {
		return false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return decodeStrict(w, r, limit, v)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
