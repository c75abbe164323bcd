package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedCurrent fails when rules/embedded.go or rules/embedded_wasm.go
// is not what this generator writes from the packs and tables on disk: run
// go generate ./rules. (rules.TestEmbeddedUpToDate reads only the variant the
// native build compiles; the module's variant is checked here.)
func TestEmbeddedCurrent(t *testing.T) {
	tmp := t.TempDir()
	for _, sub := range []string{"packs", "data"} {
		if err := os.CopyFS(filepath.Join(tmp, sub), os.DirFS(filepath.Join("..", "..", sub))); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(tmp); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"embedded.go", "embedded_wasm.go"} {
		want, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("rules/%s is stale: run go generate ./rules", name)
		}
	}
}
