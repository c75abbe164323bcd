package audit

import (
	"context"
	"sync"

	"github.com/discreet-health/discreet/rules"
)

// Checker scans one post. *wasmhost.Scanner implements it; so does Native
// over a rules.Engine. Scan must be safe for concurrent use.
type Checker interface {
	Scan(ctx context.Context, text string) (rules.Result, error)
}

// Native adapts a compiled rules.Engine (pure Go) to Checker.
type Native struct{ Engine *rules.Engine }

// Scan implements Checker.
func (n Native) Scan(_ context.Context, text string) (rules.Result, error) {
	return n.Engine.Scan(text), nil
}

// scanned is a post with its scan result, or the error that stopped its scan.
type scanned struct {
	seq  int
	post Post
	res  rules.Result
	err  error
	// Set by the pipeline's prepare on the worker, for a flagged post: its
	// record and its fragment of report.html (rendering is the costly part
	// of writing, so it runs in parallel; the writes stay in order).
	rec     *PostRecord
	html    []byte
	htmlErr error
}

// pipeline scans posts on several workers and hands the results to consume
// in the order the posts were produced. At most window posts are held at
// any time (queued, being scanned, or waiting for an earlier post to
// finish), so memory does not grow with the size of the archive.
type pipeline struct {
	checker Checker
	workers int
	window  int
	// prepare, when set, runs on the worker after each successful scan.
	prepare func(*scanned)

	// maxHeld is the largest number of posts held at once (for tests).
	maxHeld int
}

// run calls produce, which emits posts one by one, and consume for each
// result in emission order. consume runs on one goroutine.
func (p *pipeline) run(ctx context.Context, produce func(emit func(Post) error) error, consume func(*scanned)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(p.workers, 1)
	window := max(p.window, workers)

	tokens := make(chan struct{}, window) // one per held post
	jobs := make(chan *scanned, workers)
	results := make(chan *scanned, workers)

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.res, j.err = scanOne(ctx, p.checker, j.post.Text)
				if j.err == nil && p.prepare != nil {
					p.prepare(j)
				}
				results <- j
			}
		})
	}

	// The collector puts results back in order.
	done := make(chan struct{})
	go func() {
		defer close(done)
		pending := map[int]*scanned{}
		next := 0
		for r := range results {
			pending[r.seq] = r
			if len(pending) > p.maxHeld {
				p.maxHeld = len(pending)
			}
			for {
				s, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				consume(s)
				<-tokens
			}
		}
	}()

	seq := 0
	err := produce(func(post Post) error {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		jobs <- &scanned{seq: seq, post: post}
		seq++
		return nil
	})
	close(jobs)
	wg.Wait()
	close(results)
	<-done
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// scanOne calls the checker, turning a panic into an error so one bad post
// cannot stop the audit.
func scanOne(ctx context.Context, c Checker, text string) (res rules.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{r}
		}
	}()
	return c.Scan(ctx, text)
}

type panicError struct{ v any }

func (e *panicError) Error() string { return "the checker crashed on this post" }
