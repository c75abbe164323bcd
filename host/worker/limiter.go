//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"strconv"
	"time"

	"github.com/syumai/workers/cloudflare"

	"github.com/discreet-health/discreet/host/server"
)

// doLimiter keeps the native server's token buckets (server.DefaultRates,
// the same algorithm) in Durable Objects, one per class and key, so limits
// hold across isolates and requests. The RateLimiter class is in entry.mjs.
type doLimiter struct {
	ns *cloudflare.DurableObjectNamespace
}

func (l doLimiter) Allow(c server.LimitClass, key string) (bool, time.Duration) {
	return l.take(c, key, 1)
}

func (l doLimiter) Peek(c server.LimitClass, key string) (bool, time.Duration) {
	return l.take(c, key, 0)
}

func (l doLimiter) take(c server.LimitClass, key string, n int) (bool, time.Duration) {
	rate := server.DefaultRates[c]
	body, _ := json.Marshal(map[string]any{"per_second": rate.PerSecond, "burst": rate.Burst, "take": n})
	stub, err := l.ns.Get(l.ns.IdFromName(strconv.Itoa(int(c)) + ":" + key))
	if err == nil {
		var req *http.Request
		req, err = http.NewRequest("POST", "https://limiter/take", bytes.NewReader(body))
		if err == nil {
			var res *http.Response
			res, err = stub.Fetch(req)
			if err == nil {
				defer res.Body.Close()
				var out struct {
					OK     bool  `json:"ok"`
					WaitMS int64 `json:"wait_ms"`
				}
				if err = json.NewDecoder(res.Body).Decode(&out); err == nil {
					return out.OK, time.Duration(out.WaitMS) * time.Millisecond
				}
			}
		}
	}
	// The limiter is unreachable: serve (fail open) and say so in the log.
	log.Printf("rate limiter: %v", err)
	return true, 0
}
