//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains how to build the worker: it only runs as GOOS=js on
// Cloudflare Workers. `discreet serve` is the native server.
func main() {
	fmt.Fprintln(os.Stderr, "host/worker runs on Cloudflare Workers: build it with GOOS=js GOARCH=wasm (make worker-dev); use `discreet serve` natively")
	os.Exit(2)
}
