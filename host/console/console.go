// Package console holds the admin console's static files, embedded in the
// server binary and the worker. vendor/ holds committed copies of the
// extension's WASI shim and scanner client (extension/src/wasi.js, answer.js,
// scanner.js), because go:embed cannot reach outside this folder; `make
// console-vendor` refreshes them and a test fails when they are stale.
package console

import (
	"embed"
	"io/fs"
)

//go:embed index.html app.js style.css all:vendor
var files embed.FS

// FS returns the console's files, index.html at the root.
func FS() fs.FS { return files }
