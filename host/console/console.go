// Package console holds the admin console's static files, embedded in the
// server binary and the worker. vendor/ receives the extension's WASI shim
// and scanner client (extension/src/wasi.js, answer.js, scanner.js), copied there by
// `make console-vendor` because go:embed cannot reach outside this folder;
// without them the page says the live preview is unavailable.
package console

import (
	"embed"
	"io/fs"
)

//go:embed index.html app.js style.css all:vendor
var files embed.FS

// FS returns the console's files, index.html at the root.
func FS() fs.FS { return files }
