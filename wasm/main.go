// Command wasm is Discreet's scanner as a WebAssembly reactor module
// (GOOS=wasip1, -buildmode=c-shared). It only moves bytes across the
// boundary: every decision is made by package rules. ABI.md documents the
// exports for the extension and the wazero host.
package main

import (
	"runtime"
	"unsafe"

	"github.com/discreet-health/discreet/rules"
)

// abiVersion changes whenever an export's meaning changes.
const abiVersion = 1

var (
	engine *rules.Engine
	// inputs keeps host-allocated buffers referenced until discreet_free,
	// since Go's GC would otherwise reclaim them.
	inputs = map[uintptr][]byte{}
	// output is the last call's result, valid until the next call.
	output []byte
)

func main() {}

func init() {
	// Compiling the packs allocates about 8.5 MB (BenchmarkCompileBase),
	// most of it kept; start-up writes about 12 MB of the module's memory. The
	// module's collector runs on the caller's thread, so collections
	// during start-up are paid in full by the load: skipping them took a
	// third off _initialize in V8 for half a megabyte more memory (see
	// setGCPercent). Collection resumes as normal after.
	old := setGCPercent(-1)
	defer setGCPercent(old)
	e, err := rules.Compile(nil)
	if err != nil {
		panic("default rule packs do not compile: " + err.Error())
	}
	engine = e
}

// setGCPercent is runtime/debug.SetGCPercent without the package, which
// would bring fmt, reflect, time and os into the module (deps_test in
// host/wasmhost keeps them out). The runtime provides it under this name.
//
//go:linkname setGCPercent runtime/debug.setGCPercent
func setGCPercent(int32) int32

// discreet_abi_version returns the ABI version, 1.
//
//go:wasmexport discreet_abi_version
func abiVersionExport() int32 { return abiVersion }

// discreet_alloc returns a buffer of size bytes for the host to write into.
//
//go:wasmexport discreet_alloc
func alloc(size int32) int32 {
	if size <= 0 {
		size = 1
	}
	buf := make([]byte, size)
	p := uintptr(unsafe.Pointer(&buf[0]))
	inputs[p] = buf
	return int32(p)
}

// discreet_free releases a buffer from discreet_alloc.
//
//go:wasmexport discreet_free
func free(ptr int32) { delete(inputs, uintptr(ptr)) }

// discreet_output_ptr returns the address of the last call's output.
//
//go:wasmexport discreet_output_ptr
func outputPtr() int32 {
	if len(output) == 0 {
		return 0
	}
	return int32(uintptr(unsafe.Pointer(&output[0])))
}

// input returns the n bytes the host wrote at ptr, or nil when ptr is not
// inside a live buffer from discreet_alloc.
func input(ptr, n int32) []byte {
	if n == 0 {
		return []byte{}
	}
	buf, ok := inputs[uintptr(ptr)]
	if !ok || n < 0 || int(n) > len(buf) {
		return nil
	}
	return buf[:n]
}

// ok stores a successful result and returns its length.
func ok(b []byte) int32 {
	output = b
	settle()
	return int32(len(b))
}

// settle lets the Go runtime's background goroutines run before the call
// returns. A reactor runs Go code only inside exported calls, so without
// this a garbage collection that an allocation started never finishes and
// the heap grows with every scan.
func settle() { runtime.Gosched() }

// fail stores {"error": msg} and returns minus its length.
func fail(msg string) int32 {
	output = rules.AppendErrorJSON(output[:0], msg)
	return -int32(len(output))
}

// discreet_configure compiles a policy (JSON, len 0 for the defaults) and
// makes it the one scans use. On error the previous policy stays in force.
//
//go:wasmexport discreet_configure
func configure(ptr, n int32) int32 {
	data := input(ptr, n)
	if data == nil {
		return fail("configure: the policy buffer is not one from discreet_alloc")
	}
	var p *rules.Policy
	if len(data) > 0 {
		var err error
		if p, err = rules.ParsePolicy(data); err != nil {
			return fail("policy: " + err.Error())
		}
	}
	e, err := rules.Compile(p)
	if err != nil {
		return fail("policy: " + err.Error())
	}
	engine = e
	return ok(rules.AppendPolicyInfoJSON(nil, e))
}

// discreet_scan checks n bytes of UTF-8 text at ptr and returns the length
// of the Result JSON at discreet_output_ptr.
//
//go:wasmexport discreet_scan
func scan(ptr, n int32) int32 { return scanAs(ptr, n, rules.AppendResultJSON) }

// scanAs scans the text at ptr and writes the result with appendResult.
func scanAs(ptr, n int32, appendResult func([]byte, rules.Result) []byte) int32 {
	data := input(ptr, n)
	if data == nil {
		return fail("scan: the text buffer is not one from discreet_alloc")
	}
	res := engine.Scan(string(data))
	return ok(appendResult(output[:0], res))
}

// discreet_scan_compact is discreet_scan with the answer in the compact
// form (ABI.md): each rule's texts once, not once per finding.
//
//go:wasmexport discreet_scan_compact
func scanCompact(ptr, n int32) int32 { return scanAs(ptr, n, rules.AppendResultCompactJSON) }

// discreet_rules returns the catalogue of the configured rules as JSON.
//
//go:wasmexport discreet_rules
func catalogue() int32 {
	return ok(rules.AppendCatalogJSON(output[:0], engine))
}
