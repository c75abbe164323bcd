package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/discreet-health/discreet/host/internal/cli"
	"github.com/discreet-health/discreet/host/internal/eval"
	"github.com/discreet-health/discreet/rules"
)

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("eval", stderr)
	engineName := fs.String("engine", "wasm", "engine: wasm or native")
	verbose := fs.Bool("v", false, "list every miss, false alarm, severity mismatch and missed identifier")
	row := fs.String("row", "", "print only a Markdown table row for rules/testdata/FIRSTRUN.md, led by `LABEL`")
	policyFile := fs.String("policy", "", "policy `FILE` (JSON); default: the built-in defaults")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: discreet eval [--engine wasm|native] [--policy FILE] [-v] FILE")
		return cli.ExitUsage
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return errorf(stderr, "eval", "%v", err)
	}
	posts, err := eval.Load(f)
	f.Close()
	if err != nil {
		return errorf(stderr, "eval", "%s: %v", pos[0], err)
	}
	policy, err := readPolicy(*policyFile)
	if err != nil {
		return errorf(stderr, "eval", "%v", err)
	}
	workers := runtime.NumCPU()
	eng, err := openEngine(ctx, *engineName, policy, workers)
	if err != nil {
		return errorf(stderr, "eval", "%v", err)
	}
	defer eng.Close(context.WithoutCancel(ctx))

	results := make([]rules.Result, len(posts))
	errs := make([]error, len(posts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = eng.Scan(ctx, posts[i].Text)
			}
		})
	}
	for i := range posts {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return errorf(stderr, "eval", "post %s: %v", posts[i].Name(), err)
		}
	}

	r := eval.Evaluate(posts, results)
	if *row != "" {
		fmt.Fprintln(stdout, r.Row(*row))
		return cli.ExitClean
	}
	fmt.Fprintf(stdout, "%s, %s engine: ", pos[0], *engineName)
	if err := r.WriteTable(stdout); err != nil {
		return errorf(stderr, "eval", "writing: %v", err)
	}
	if *verbose {
		fmt.Fprintln(stdout)
		if err := r.WriteCases(stdout); err != nil {
			return errorf(stderr, "eval", "writing: %v", err)
		}
	}
	return cli.ExitClean
}
