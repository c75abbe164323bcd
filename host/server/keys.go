package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"
)

// Key is a public signing key and its id.
type Key struct {
	ID  string
	Key ed25519.PublicKey
}

// KeyRing holds the key that signs new policy versions, the public keys
// /v1/keys and enrollment list, and the key-set statements that chain one
// signing key to the next.
//
// Trust in a key never comes from an unsigned list: an extension trusts the
// keys it got at enrollment (or that its organisation pinned) and a key a
// statement introduces when that statement is signed by a key it already
// trusts. A rotation publishes the statement "the keys are now {new, old}"
// signed by the old key (the overlap period); retiring the old key publishes
// "the keys are now {new}" signed by the new one.
type KeyRing struct {
	id         string
	private    ed25519.PrivateKey
	public     []Key
	statements []Statement
}

// KeySetType is the "type" of a key-set statement's payload.
const KeySetType = "discreet.keyset/v1"

// Statement is a signed key set as /v1/keys lists it: payload is base64 of
// the JSON bytes of a KeySet, signature base64 Ed25519 over those bytes by
// the key key_id names.
type Statement struct {
	KeyID     string `json:"key_id"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

// KeySet is a statement's signed payload: from seq on (statements are
// applied in seq order, each only once), the signing keys are Keys.
type KeySet struct {
	Type     string    `json:"type"`
	Seq      int64     `json:"seq"`
	IssuedAt string    `json:"issued_at"`
	Keys     []KeyJSON `json:"keys"`
}

// KeyID derives a key's id from its public half: "k-" and 12 hex digits of
// its SHA-256, so ids never collide across servers.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "k-" + hex.EncodeToString(h[:6])
}

// NewKeyRing makes a key ring from a 32-byte Ed25519 seed. An empty id is
// derived with KeyID. Other public keys to list may follow.
func NewKeyRing(seed []byte, id string, others ...Key) (*KeyRing, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, errors.New("signing key: want a 32-byte Ed25519 seed")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	if id == "" {
		id = KeyID(pub)
	}
	k := &KeyRing{id: id, private: priv, public: []Key{{ID: id, Key: pub}}}
	for _, r := range others {
		if r.ID != id {
			k.public = append(k.public, r)
		}
	}
	return k, nil
}

// WithStatements returns a copy of k that lists sts (sorted by seq) and
// whose public keys are those of the latest statement, the signing key
// first (added if a misconfigured statement left it out). Statements that
// do not decode are skipped.
func (k *KeyRing) WithStatements(sts []Statement) *KeyRing {
	type decoded struct {
		st  Statement
		set KeySet
	}
	var ds []decoded
	for _, st := range sts {
		set, err := DecodeStatement(st)
		if err == nil {
			ds = append(ds, decoded{st, set})
		}
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].set.Seq < ds[j].set.Seq })
	out := &KeyRing{id: k.id, private: k.private, public: k.public}
	for _, d := range ds {
		out.statements = append(out.statements, d.st)
	}
	if len(ds) == 0 {
		return out
	}
	out.public = []Key{{ID: k.id, Key: k.private.Public().(ed25519.PublicKey)}}
	for _, kj := range ds[len(ds)-1].set.Keys {
		if kj.ID == k.id {
			continue
		}
		if pub, err := base64.StdEncoding.DecodeString(kj.PublicKey); err == nil && len(pub) == ed25519.PublicKeySize {
			out.public = append(out.public, Key{ID: kj.ID, Key: pub})
		}
	}
	return out
}

// ParseSeed decodes a seed written as base64 (std or URL, padded or not) or
// hex, as a Workers secret holds it.
func ParseSeed(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == ed25519.SeedSize {
			return b, nil
		}
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.SeedSize {
		return b, nil
	}
	return nil, errors.New("signing key: want 32 bytes as base64 or hex")
}

// ID is the signing key's id.
func (k *KeyRing) ID() string { return k.id }

// Public lists the public keys, the signing key first.
func (k *KeyRing) Public() []Key { return k.public }

// Statements lists the key-set statements in seq order.
func (k *KeyRing) Statements() []Statement { return k.statements }

// Sign signs msg with the signing key.
func (k *KeyRing) Sign(msg []byte) []byte { return ed25519.Sign(k.private, msg) }

// SignKeySet makes a statement, signed by k's signing key, that the keys
// are now keys from seq on.
func (k *KeyRing) SignKeySet(seq int64, issued time.Time, keys []KeyJSON) (Statement, []byte) {
	p, _ := json.Marshal(KeySet{Type: KeySetType, Seq: seq, IssuedAt: issued.UTC().Format(time.RFC3339), Keys: keys})
	return Statement{KeyID: k.id, Payload: b64(p), Signature: b64(k.Sign(p))}, p
}

// PublicJSON lists the public keys as /v1/keys and /v1/enroll do.
func (k *KeyRing) PublicJSON() []KeyJSON {
	out := []KeyJSON{}
	for _, p := range k.public {
		out = append(out, KeyJSON{ID: p.ID, Alg: "Ed25519", PublicKey: b64(p.Key)})
	}
	return out
}

// DecodeStatement returns a statement's key set without checking its
// signature (VerifyStatement does).
func DecodeStatement(st Statement) (KeySet, error) {
	var set KeySet
	p, err := base64.StdEncoding.DecodeString(st.Payload)
	if err != nil {
		return set, err
	}
	d := json.NewDecoder(bytes.NewReader(p))
	d.DisallowUnknownFields()
	if err := d.Decode(&set); err != nil {
		return set, err
	}
	if set.Type != KeySetType || set.Seq < 1 || len(set.Keys) == 0 {
		return set, errors.New("not a " + KeySetType + " statement")
	}
	return set, nil
}

// VerifyStatement checks st's signature with the key it names among keys
// and returns its key set.
func VerifyStatement(st Statement, keys []KeyJSON) (KeySet, error) {
	set, err := DecodeStatement(st)
	if err != nil {
		return set, err
	}
	p, _ := base64.StdEncoding.DecodeString(st.Payload)
	sig, err := base64.StdEncoding.DecodeString(st.Signature)
	if err != nil {
		return set, err
	}
	for _, k := range keys {
		if k.ID != st.KeyID {
			continue
		}
		pub, err := base64.StdEncoding.DecodeString(k.PublicKey)
		if err != nil || !verify(pub, p, sig) {
			return set, errors.New("bad statement signature")
		}
		return set, nil
	}
	return set, errors.New("statement signed by an unknown key " + st.KeyID)
}

func verify(pub, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}
