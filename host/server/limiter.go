package server

import (
	"sync"
	"time"
)

// LimitClass is a kind of request with its own rate.
type LimitClass int

// The rate-limit classes: requests with a valid token (per token), failed
// authentications and enrollments (per address), count reports (per token).
const (
	ClassToken LimitClass = iota
	ClassAuthFailure
	ClassEnroll
	ClassReport
	numClasses
)

// Rate is a token bucket: Burst requests at once, refilled at PerSecond.
type Rate struct {
	PerSecond float64
	Burst     float64
}

// DefaultRates are the native server's limits. Reading a published policy
// or the keys is not limited: it is cheap, cacheable, and a hospital's
// clinicians may all come from one address.
var DefaultRates = [numClasses]Rate{
	ClassToken:       {PerSecond: 20, Burst: 100},
	ClassAuthFailure: {PerSecond: 0.5, Burst: 20},
	ClassEnroll:      {PerSecond: 0.2, Burst: 10},
	ClassReport:      {PerSecond: 1, Burst: 20},
}

// RateLimiter is what the server asks before it does work for a caller.
// *Limiter is the native one; the worker has one over a Durable Object.
type RateLimiter interface {
	// Allow takes one request from key's bucket in class c; when the
	// bucket is empty it returns false and how long until one is allowed.
	Allow(c LimitClass, key string) (bool, time.Duration)
	// Peek reports whether Allow would succeed, without taking anything.
	Peek(c LimitClass, key string) (bool, time.Duration)
}

// Limiter is an in-memory set of token buckets. It is safe for concurrent
// use; idle buckets are dropped.
type Limiter struct {
	mu      sync.Mutex
	rates   [numClasses]Rate
	buckets map[bucketKey]*bucket
	now     func() time.Time
	swept   time.Time
}

type bucketKey struct {
	class LimitClass
	key   string
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter with DefaultRates.
func NewLimiter() *Limiter { return NewLimiterClock(time.Now) }

// NewLimiterClock is NewLimiter with a clock, for tests.
func NewLimiterClock(now func() time.Time) *Limiter {
	return &Limiter{rates: DefaultRates, buckets: map[bucketKey]*bucket{}, now: now}
}

// Allow takes one request from key's bucket in class c. When the bucket is
// empty it returns false and how long until a request is allowed.
func (l *Limiter) Allow(c LimitClass, key string) (bool, time.Duration) {
	return l.take(c, key, 1)
}

// Peek reports whether key's bucket in class c has a request left.
func (l *Limiter) Peek(c LimitClass, key string) (bool, time.Duration) {
	return l.take(c, key, 0)
}

func (l *Limiter) take(c LimitClass, key string, n float64) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.rates[c]
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last).Seconds()*l.rates[k.class].PerSecond >= l.rates[k.class].Burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	k := bucketKey{c, key}
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: rate.Burst, last: now}
		l.buckets[k] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * rate.PerSecond
	if b.tokens > rate.Burst {
		b.tokens = rate.Burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens -= n
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate.PerSecond * float64(time.Second))
}
