package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/server"
)

// trustStore is what an enrolled extension keeps (extension/src/policy.js
// does the same in JavaScript): the keys it trusts and the seq of the last
// key-set statement it applied.
type trustStore struct {
	keys []server.KeyJSON
	seq  int64
}

// learn applies, in seq order, the statements signed by a trusted key.
// The unsigned "keys" list of /v1/keys is never read.
func (ts *trustStore) learn(sts []server.Statement) {
	for {
		applied := false
		for _, st := range sts {
			set, err := server.VerifyStatement(st, ts.keys)
			if err != nil || set.Seq <= ts.seq {
				continue
			}
			ts.keys, ts.seq, applied = set.Keys, set.Seq, true
		}
		if !applied {
			return
		}
	}
}

func (tg *target) keyDoc(t testing.TB) server.KeysJSON {
	t.Helper()
	var out server.KeysJSON
	tg.must(t, 200, "GET", "/v1/keys", "", nil, &out)
	return out
}

// TestKeyRotation: an enrolled client keeps verifying across a rotation
// done with server.RotateKey (`discreet keys rotate`) under the running
// server, through the overlap and after the old key is retired; a forged
// statement adds nothing.
func TestKeyRotation(t *testing.T) {
	if remote() {
		t.Skip("rotation writes the native database; on Workers it is D1 SQL (see README)")
	}
	tg := newTarget(t)
	in := tg.newInstitution(t, "rotate")
	tg.publishPolicy(t, in, `{"facilities":["Rotation General"]}`)
	code, _ := tg.newCode(t, in)
	ts := &trustStore{keys: tg.enroll(t, code).Keys}
	old := ts.keys[0].ID
	if doc := tg.keyDoc(t); len(doc.Statements) != 0 || len(doc.Keys) != 1 {
		t.Fatalf("before any rotation: %+v", doc)
	}
	verifyBundle(t, tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil).body, ts.keys)

	ring, err := server.RotateKey(context.Background(), tg.nat.DB, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if ring.ID() == old {
		t.Fatalf("rotate kept the signing key %s", old)
	}
	// Publishing right after the rotation signs with the new key, which
	// the client does not know yet ...
	tg.publishPolicy(t, in, `{"facilities":["Rotation General","Rotation East"]}`)
	r := tg.must(t, 200, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil, nil)
	var b server.Bundle
	json.Unmarshal(r.body, &b)
	if b.KeyID != ring.ID() {
		t.Fatalf("bundle after rotation signed by %s, want %s", b.KeyID, ring.ID())
	}
	// ... until it applies the statement the old key signed. Meanwhile
	// /v1/keys lists both (the overlap).
	time.Sleep(1100 * time.Millisecond) // the server re-reads its keys after PolicyCacheTTL
	doc := tg.keyDoc(t)
	if len(doc.Keys) != 2 || doc.Keys[0].ID != ring.ID() || doc.Keys[1].ID != old || len(doc.Statements) != 1 || doc.Statements[0].KeyID != old {
		t.Fatalf("overlap: /v1/keys %+v", doc)
	}
	ts.learn(doc.Statements)
	verifyBundle(t, r.body, ts.keys)
	if len(ts.keys) != 2 {
		t.Errorf("client trusts %+v after the rotation statement", ts.keys)
	}

	// Retiring the old key: the new key states the set is {new}.
	if _, err := server.RetireKey(context.Background(), tg.nat.DB, ring.ID(), time.Now()); err == nil {
		t.Errorf("retiring the signing key was allowed")
	}
	if _, err := server.RetireKey(context.Background(), tg.nat.DB, old, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	doc = tg.keyDoc(t)
	if len(doc.Keys) != 1 || doc.Keys[0].ID != ring.ID() || len(doc.Statements) != 2 {
		t.Fatalf("after retire: /v1/keys %+v", doc)
	}
	ts.learn(doc.Statements)
	if len(ts.keys) != 1 || ts.keys[0].ID != ring.ID() {
		t.Errorf("client trusts %+v after the retire statement", ts.keys)
	}
	// A client that slept through both statements follows the chain.
	late := &trustStore{keys: []server.KeyJSON{{ID: old, Alg: "Ed25519", PublicKey: findKey(t, ring, old)}}}
	late.learn(doc.Statements)
	verifyBundle(t, r.body, late.keys)
	// A new enrollment gets the new key only.
	if e := tg.enroll(t, code); len(e.Keys) != 1 || e.Keys[0].ID != ring.ID() {
		t.Errorf("enrollment after retire lists %+v", e.Keys)
	}

	// A forged statement, signed by the attacker's own key, adds nothing,
	// and neither does an unsigned list of keys.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	seed := priv.Seed()
	evil, _ := server.NewKeyRing(seed, "")
	forged, _ := evil.SignKeySet(time.Now().UnixMilli()+1e6, time.Now(), evil.PublicJSON())
	fresh := &trustStore{keys: []server.KeyJSON{{ID: old, Alg: "Ed25519", PublicKey: findKey(t, ring, old)}}}
	fresh.learn([]server.Statement{forged})
	if len(fresh.keys) != 1 || fresh.keys[0].ID != old || fresh.seq != 0 {
		t.Errorf("a forged statement changed trust: %+v", fresh)
	}
	// A replayed old statement does not undo the retirement.
	ts.learn(doc.Statements[:1])
	if len(ts.keys) != 1 {
		t.Errorf("replaying the rotation statement brought the old key back: %+v", ts.keys)
	}
}

// findKey returns the public key (base64) of id from the statements of ring
// (a retired key is only there).
func findKey(t *testing.T, ring *server.KeyRing, id string) string {
	t.Helper()
	for _, st := range ring.Statements() {
		set, _ := server.DecodeStatement(st)
		for _, k := range set.Keys {
			if k.ID == id {
				return k.PublicKey
			}
		}
	}
	t.Fatalf("no key %s in the statements", id)
	return ""
}
