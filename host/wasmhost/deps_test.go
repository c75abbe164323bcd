package wasmhost

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// forbiddenInModule are standard packages the scanner module must not link:
// each adds hundreds of kilobytes (reflect comes with fmt and encoding/json;
// time with its zone tables), and the module has a size budget (make check).
var forbiddenInModule = []string{"fmt", "reflect", "encoding/json", "time"}

// TestModuleDependencies fails when a change makes the module (./wasm built
// for wasip1) import a forbidden package, directly or through another.
func TestModuleDependencies(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	cmd := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", "github.com/discreet-health/discreet/wasm")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["github.com/discreet-health/discreet/rules"] {
		t.Fatalf("go list -deps gave no rules package; output:\n%s", out)
	}
	for _, p := range forbiddenInModule {
		if deps[p] {
			t.Errorf("the scanner module imports %s (find who: GOOS=wasip1 GOARCH=wasm go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./wasm | grep -w %s)", p, p)
		}
	}
}
