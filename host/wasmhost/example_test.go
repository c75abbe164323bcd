package wasmhost_test

import (
	"context"
	"fmt"
	"log"

	"github.com/discreet-health/discreet/host/wasmhost"
)

// A scanner with an institution's custom term. Post text stays in the
// process: nothing is logged.
func Example() {
	ctx := context.Background()
	s, err := wasmhost.New(ctx, wasmhost.Config{Instances: 1})
	if err != nil {
		log.Fatal(err) // e.g. "scanner module not built: run make wasm"
	}
	defer s.Close(ctx)

	info, err := s.Configure(ctx, []byte(`{"name": "Demo policy", "terms": [
		{"phrase": "zebra crossing", "category": "conduct", "severity": "warn", "message": "Say crosswalk."}]}`))
	if err != nil {
		log.Fatal(err) // names the field, e.g. "policy: field terms[0].category: ..."
	}
	fmt.Println("policy:", info.Name)

	text := "Mind the zebra crossing 🦓 on the way in."
	res, err := s.Scan(ctx, text)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s %s %q bytes %d-%d, UTF-16 %d-%d: %s\n", f.Category, f.Severity,
			text[f.Start:f.End], f.Start, f.End, f.Start16, f.End16, f.Message)
	}
	// Output:
	// policy: Demo policy
	// conduct warn "zebra crossing" bytes 9-23, UTF-16 9-23: Say crosswalk.
}
