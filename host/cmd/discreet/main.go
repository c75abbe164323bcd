// Command discreet checks clinicians' social-media posts from the command
// line with the same scanner module the browser extension runs.
//
//	discreet scan [--policy FILE] [--format text|json|jsonl] [--engine wasm|native] [--min-severity S] [FILE|-]
//	discreet policy check FILE
//	discreet rules [--policy FILE] [--engine wasm|native]
//	discreet eval [--engine wasm|native] [--policy FILE] [-v] FILE
//	discreet serve [--addr ADDR] [--db FILE] [--public-url URL]
//	discreet keys list|rotate|retire ID --db FILE
//	discreet db backup --db FILE OUT
//	discreet version
//	discreet help
//
// Run `discreet help` for the exit codes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// A command runs one subcommand and returns the process exit code. It reads
// its input from stdin and writes only to stdout and stderr, so tests run it
// in-process.
type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// commands is the dispatch table: add a subcommand with one line.
var commands = map[string]command{
	"scan":    runScan,
	"policy":  runPolicy,
	"rules":   runRules,
	"eval":    runEval,
	"serve":   runServe,
	"keys":    runKeys,
	"db":      runDB,
	"audit":   runAudit,
	"version": runVersion,
	"help":    runHelp,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args[0] to its command.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeHelp(stderr)
		return cli.ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		args[0] = "help"
	case "--version":
		args[0] = "version"
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "discreet: unknown command %q; commands: %s\n", args[0], commandNames())
		return cli.ExitUsage
	}
	return cmd(ctx, args[1:], stdin, stdout, stderr)
}

func commandNames() string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}
