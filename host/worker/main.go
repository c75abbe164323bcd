//go:build js && wasm

// Command worker runs the settings backend (package host/server) on
// Cloudflare Workers through github.com/syumai/workers, with D1 as its
// database. Workers run main afresh for every request, so nothing is kept
// between requests except what D1 stores.
//
// Bindings and secrets (wrangler.jsonc, `wrangler secret put`, or .dev.vars
// for `wrangler dev`):
//
//	DB              the D1 database, schema from ../server/migrations
//	SIGNING_KEY     32-byte Ed25519 seed, base64 or hex (secret)
//	SIGNING_KEY_ID  optional key id; derived from the public key if empty
//	OWNER_TOKEN     the owner token, at least 32 characters (secret)
//	PUBLIC_URL      optional public origin for enrollment answers
//	LIMITER         Durable Object namespace (class RateLimiter, entry.mjs)
//	                holding the rate limits' buckets
//
// entry.mjs answers the routes every extension calls (the policy, its
// revalidation, the keys, /healthz) in JavaScript from D1, without starting
// this program; everything else comes here.
package main

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	_ "github.com/syumai/workers/cloudflare/d1" // registers the "d1" driver

	"github.com/discreet-health/discreet/host/console"
	"github.com/discreet-health/discreet/host/server"
)

func main() {
	workers.Serve(handler())
}

// handler builds the server, or one that explains what is misconfigured.
func handler() http.Handler {
	h, err := build()
	if err != nil {
		msg := err.Error()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":"server misconfigured: ` + msg + `"}`))
		})
	}
	return h
}

type configError string

func (e configError) Error() string { return string(e) }

func build() (http.Handler, error) {
	db, err := sql.Open("d1", "DB")
	if err != nil {
		return nil, configError("no D1 binding named DB")
	}
	seed, err := server.ParseSeed(cloudflare.Getenv("SIGNING_KEY"))
	if err != nil {
		return nil, configError("SIGNING_KEY secret missing or not a 32-byte seed")
	}
	keys, err := server.NewKeyRing(seed, cloudflare.Getenv("SIGNING_KEY_ID"))
	if err != nil {
		return nil, err
	}
	// The key-set statements (rotation) are in D1, read only by routes that
	// need keys.
	load := func(ctx context.Context) (*server.KeyRing, error) {
		sts, err := server.LoadStatements(ctx, db)
		if err != nil {
			return nil, err
		}
		return keys.WithStatements(sts), nil
	}
	var ownerHash []byte
	if tok := cloudflare.Getenv("OWNER_TOKEN"); len(tok) >= 32 {
		ownerHash = server.HashToken(tok)
	}
	var limiter server.RateLimiter
	if ns, err := cloudflare.NewDurableObjectNamespace("LIMITER"); err == nil {
		limiter = doLimiter{ns}
	}
	return server.New(server.Config{
		DB:             db,
		LoadKeys:       load,
		OwnerTokenHash: ownerHash,
		Console:        console.FS(),
		BaseURL:        cloudflare.Getenv("PUBLIC_URL"),
		Limiter:        limiter,
	})
}
