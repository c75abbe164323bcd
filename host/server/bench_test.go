package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
)

// BenchmarkPolicyFetch measures GET /v1/institutions/{slug}/policy on the
// native server over loopback HTTP with keep-alive clients in parallel
// (GOMAXPROCS x 4 of them, or x 1 for "fewer-clients"), as extensions refresh: "etag-hit" sends the
// current ETag and gets 304, "full" gets the 200 bundle. It reports req/s
// and latency percentiles. The server is configured as discreet serve
// (bundle cache of 1 s); "-nocache" reads SQLite on every request. Run with
// make bench-server.
func BenchmarkPolicyFetch(b *testing.B) {
	nat, err := sqlite.Boot(context.Background(), filepath.Join(b.TempDir(), "bench.db"), testOwnerToken)
	if err != nil {
		b.Fatal(err)
	}
	defer nat.DB.Close()
	var ttl time.Duration // as discreet serve, or no cache with -nocache
	h, err := server.New(server.Config{DB: nat.DB, Keys: nat.Keys, OwnerTokenHash: nat.OwnerTokenHash,
		Limiter: server.NewLimiter(), PolicyCacheTTL: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	raw, err := server.New(server.Config{DB: nat.DB, Keys: nat.Keys, OwnerTokenHash: nat.OwnerTokenHash,
		Limiter: server.NewLimiter(), PolicyCacheTTL: ttl})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	srvNoCache := httptest.NewServer(raw)
	defer srvNoCache.Close()
	tg := &target{base: srv.URL, owner: testOwnerToken, client: srv.Client()}
	in := tg.newInstitution(b, "bench")
	tg.publishPolicy(b, in, `{"facilities":["Bench General","Bench East"],"terms":[{"phrase":"zebra crossing","category":"conduct","message":"m"}]}`)
	r := tg.do(b, "GET", "/v1/institutions/"+in.slug+"/policy", "", nil)
	if r.status != 200 {
		b.Fatalf("setup: %d %s", r.status, r.body)
	}
	etag := r.header.Get("ETag")
	path := "/v1/institutions/" + in.slug + "/policy"

	for _, c := range []struct {
		name, base, inm string
		want            int
		par             int // clients per GOMAXPROCS
	}{
		{"etag-hit", srv.URL, etag, 304, 4},
		{"etag-hit-fewer-clients", srv.URL, etag, 304, 1},
		{"full", srv.URL, "", 200, 4},
		{"etag-hit-nocache", srvNoCache.URL, etag, 304, 4},
	} {
		url := c.base + path
		b.Run(c.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
			defer client.CloseIdleConnections()
			var mu sync.Mutex
			var all []time.Duration
			b.SetParallelism(c.par)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				lat := make([]time.Duration, 0, 1024)
				for pb.Next() {
					req, _ := http.NewRequest("GET", url, nil)
					if c.inm != "" {
						req.Header.Set("If-None-Match", c.inm)
					}
					t0 := time.Now()
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					lat = append(lat, time.Since(t0))
					if res.StatusCode != c.want {
						b.Errorf("status %d, want %d", res.StatusCode, c.want)
						return
					}
				}
				mu.Lock()
				all = append(all, lat...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			b.StopTimer()
			sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
			if len(all) == 0 {
				return
			}
			pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) }
			b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
			b.ReportMetric(pct(0.50), "p50-µs")
			b.ReportMetric(pct(0.99), "p99-µs")
		})
	}
}
