package audit

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws "[#####-----]  48%  12345 posts  17 flagged" in place on
// a terminal, from the bytes read out of the inputs' total size.
type progress struct {
	w       io.Writer // nil: no bar
	total   int64
	read    atomic.Int64
	posts   atomic.Int64
	flagged atomic.Int64

	mu    sync.Mutex
	shown bool
	quit  chan struct{}
	done  chan struct{}
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) start() {
	if p.w == nil {
		return
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
}

func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	frac := 0.0
	if p.total > 0 {
		frac = min(float64(p.read.Load())/float64(p.total), 1)
	}
	const width = 30
	n := int(frac * width)
	if p.posts.Load() == 0 {
		fmt.Fprintf(p.w, "\r[%s] starting the checker... ", strings.Repeat("-", width))
	} else {
		fmt.Fprintf(p.w, "\r[%s%s] %3d%%  %d posts  %d flagged ", strings.Repeat("#", n), strings.Repeat("-", width-n),
			int(frac*100), p.posts.Load(), p.flagged.Load())
	}
	p.shown = true
}

// clear erases the bar before a log line is printed.
func (p *progress) clear() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func (p *progress) stop() {
	if p.w == nil || p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
	p.clear()
}
