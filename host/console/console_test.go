package console

import (
	"io/fs"
	"os"
	"testing"
)

// TestVendorCurrent fails when the console's copies of the extension's WASI
// shim and scanner client are missing or differ from extension/src: run
// make console-vendor and commit host/console/vendor.
func TestVendorCurrent(t *testing.T) {
	for _, name := range []string{"wasi.js", "answer.js", "scanner.js"} {
		got, err := fs.ReadFile(FS(), "vendor/"+name)
		if err != nil {
			t.Errorf("vendor/%s is not embedded: the live preview would be unavailable (%v)", name, err)
			continue
		}
		want, err := os.ReadFile("../../extension/src/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("vendor/%s differs from extension/src/%s: run make console-vendor and commit it", name, name)
		}
	}
}
