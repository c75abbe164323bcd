package audit

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/discreet-health/discreet/host/internal/testutil"
)

// TestProgress checks that the bar is drawn in place while posts are
// scanned, erased before log lines and at the end, and that it is absent
// when no progress writer is given (not a terminal).
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"posts.txt": strings.Repeat("Jane Roe post\n\n", 40)})
	c := newPhraseChecker()
	var bar, log testutil.SyncBuffer
	// Once a post is counted, the next scan waits until the ticker has drawn
	// a bar with the count, so the bar is seen however slow the machine is.
	var scans atomic.Int64
	c.delay = func(string) time.Duration {
		if scans.Add(1) == 3 {
			for deadline := time.Now().Add(30 * time.Second); !strings.Contains(bar.String(), "posts"); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Error("no bar with a post count drawn within 30 s")
					break
				}
			}
		}
		return 0
	}
	_, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "posts.txt")}, OutDir: filepath.Join(dir, "out"),
		Checker: c, Workers: 1, Progress: &bar, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	got := bar.String()
	if !strings.Contains(got, "\r[") || !strings.Contains(got, "posts") || !strings.Contains(got, "flagged") {
		t.Errorf("no progress bar drawn: %q", got)
	}
	if !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("the bar is not erased at the end: %q", got[max(0, len(got)-40):])
	}
	if strings.Contains(log.String(), "\r") {
		t.Errorf("the bar went to the log: %q", log.String())
	}
}
