package server

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
)

// Key is a public signing key and its id.
type Key struct {
	ID  string
	Key ed25519.PublicKey
}

// KeyRing holds the key that signs new policy versions and the public keys
// clients may verify with (the signing key's, and retired ones kept so old
// versions still verify).
type KeyRing struct {
	id      string
	private ed25519.PrivateKey
	public  []Key
}

// KeyID derives a key's id from its public half: "k-" and 12 hex digits of
// its SHA-256, so ids never collide across servers.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "k-" + hex.EncodeToString(h[:6])
}

// NewKeyRing makes a key ring from a 32-byte Ed25519 seed. An empty id is
// derived with KeyID. Retired public keys may follow.
func NewKeyRing(seed []byte, id string, retired ...Key) (*KeyRing, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, errors.New("signing key: want a 32-byte Ed25519 seed")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	if id == "" {
		id = KeyID(pub)
	}
	k := &KeyRing{id: id, private: priv, public: []Key{{ID: id, Key: pub}}}
	for _, r := range retired {
		if r.ID != id {
			k.public = append(k.public, r)
		}
	}
	return k, nil
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

// Sign signs msg with the signing key.
func (k *KeyRing) Sign(msg []byte) []byte { return ed25519.Sign(k.private, msg) }

func verify(pub, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
}
