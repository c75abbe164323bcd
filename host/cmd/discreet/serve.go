package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/discreet-health/discreet/host/console"
	"github.com/discreet-health/discreet/host/server"
	"github.com/discreet-health/discreet/host/server/sqlite"
	"github.com/discreet-health/discreet/host/wasmhost"

	"github.com/discreet-health/discreet/host/internal/cli"
)

// runServe runs the institution settings backend and its admin console:
//
//	discreet serve [--addr 127.0.0.1:8080] [--db ./discreet.db] [--public-url URL] [--trust-proxy]
//
// On the first start with an empty database it prints the owner token once,
// unless DISCREET_OWNER_TOKEN gives it. It stops cleanly on SIGINT/SIGTERM.
func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	dbPath := fs.String("db", "./discreet.db", "SQLite database file, created on first start")
	publicURL := fs.String("public-url", "", "public origin of this server, e.g. https://settings.example.org (default: from each request)")
	noLimits := fs.Bool("no-rate-limit", false, "turn off per-token and per-address rate limits (benchmarks only)")
	trustProxy := fs.Bool("trust-proxy", false, "behind a reverse proxy: rate-limit by the last X-Forwarded-For address")
	if err := fs.Parse(args); err != nil {
		return cli.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "discreet serve: unexpected argument %q\n", fs.Arg(0))
		return cli.ExitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	nat, err := sqlite.Boot(ctx, *dbPath, os.Getenv("DISCREET_OWNER_TOKEN"))
	if err != nil {
		fmt.Fprintf(stderr, "discreet serve: %s: %v\n", *dbPath, err)
		return 1
	}
	defer nat.DB.Close()
	var limiter *server.Limiter
	if !*noLimits {
		limiter = server.NewLimiter()
	}
	logger := log.New(stderr, "discreet serve: ", log.LstdFlags)
	h, err := server.New(server.Config{
		DB: nat.DB, LoadKeys: nat.LoadKeys, OwnerTokenHash: nat.OwnerTokenHash,
		Console: console.FS(), Module: wasmhost.Module, Limiter: limiter,
		BaseURL: *publicURL, Log: logger, PolicyCacheTTL: time.Second, TrustProxy: *trustProxy,
	})
	if err != nil {
		fmt.Fprintf(stderr, "discreet serve: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "discreet serve: %v\n", err)
		return 1
	}
	if nat.NewOwnerToken != "" {
		fmt.Fprintf(stdout, "owner token (shown once; keep it safe): %s\n", nat.NewOwnerToken)
	}
	if _, err := wasmhost.Module(); err != nil {
		fmt.Fprintf(stderr, "discreet serve: the console's live preview is off: %v\n", err)
	}
	fmt.Fprintf(stdout, "discreet serve: listening on http://%s (console at /console/, signing key %s)\n", ln.Addr(), nat.Keys.ID())
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          logger,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "discreet serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "discreet serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}
