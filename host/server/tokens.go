package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
)

// Token prefixes say what a token is for, so a leaked one is recognisable.
const (
	ownerPrefix  = "dso_"
	adminPrefix  = "dsa_"
	reportPrefix = "dsr_"
)

// NewToken returns prefix and 256 random bits, base64url.
func NewToken(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is a token's SHA-256, the only form the database keeps.
func HashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

func hashHex(tok string) string { return hex.EncodeToString(HashToken(tok)) }

// tokenMatches compares a presented token with a stored hex hash in
// constant time.
func tokenMatches(tok, storedHex string) bool {
	want, err := hex.DecodeString(storedHex)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(HashToken(tok), want) == 1
}

// bearer returns the request's bearer token, or "".
func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) < 7 || !strings.EqualFold(a[:7], "bearer ") {
		return ""
	}
	t := strings.TrimSpace(a[7:])
	if len(t) > 200 {
		return ""
	}
	return t
}

// actorOf names a token holder in the audit log without revealing the
// token: its kind and the first 8 hex digits of its hash.
func actorOf(kind, tok string) string {
	return kind + ":" + hashHex(tok)[:8]
}

// Enrollment codes are 125 random bits written as 25 base32 letters and
// digits in groups of five, easy to read out and type.
var codeEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

func newEnrollmentCode() string {
	var b [16]byte
	rand.Read(b[:])
	s := codeEnc.EncodeToString(b[:])[:25]
	return s[0:5] + "-" + s[5:10] + "-" + s[10:15] + "-" + s[15:20] + "-" + s[20:25]
}

// normalizeCode upper-cases a typed code and drops spaces and dashes.
func normalizeCode(c string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(c) {
		switch {
		case r == '-' || r == ' ' || r == '\t':
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
