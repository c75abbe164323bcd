// Package wasmhost runs Discreet's scanner module (scanner.wasm, built from
// ../../wasm) under wazero, so the host scans with the very same bytes as the
// browser extension.
//
// A Scanner holds a pool of module instances (runtime.NumCPU() by default).
// An instance is single-threaded, so each scan borrows one; Scan is safe for
// concurrent use. Configure applies a policy to every instance, present and
// future. Answers are copied out of the module's memory before they are
// returned. An instance that traps (out of memory, a bug) is closed and
// replaced, and the caller gets the error: a Scanner never panics on bad
// input. A call checks its context before it starts; once started, a scan
// runs to the end (it is linear in the text).
//
// The module's stdout and stderr are discarded, so nothing the module could
// print (a crash message) reaches a log with post text in it.
//
// The package also defines Checker, the one method both engines share, and
// NewNative, the pure-Go engine behind the same interface, so the command
// line and the audit can switch engines.
package wasmhost

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/discreet-health/discreet/rules"
)

// ABIVersion is the version of wasm/ABI.md this host speaks.
const ABIVersion = 1

// recycleBytes is the linear-memory size past which an instance is retired
// after its call and a fresh one started when needed. Go's runtime in a
// wasip1 reactor does not finish garbage collection cycles between exported
// calls, so an instance's memory grows with every scan (about 12 KiB per
// 3,000-character post in November 2026); retiring it long before
// defaultMemoryLimitPages keeps a long audit from ending in out-of-memory
// traps.
const recycleBytes = 256 << 20

// defaultMemoryLimitPages caps one instance's linear memory at 1 GiB (64 KiB
// pages), so a hostile input fails one scan instead of exhausting the host.
const defaultMemoryLimitPages = 16384

//go:embed module
var moduleFS embed.FS

// ErrNotBuilt is returned when the embedded module is missing.
var ErrNotBuilt = errors.New("scanner module not built: run make wasm")

// ErrClosed is returned by a Scanner after Close.
var ErrClosed = errors.New("wasmhost: scanner is closed")

// Module returns the embedded scanner module's bytes, or ErrNotBuilt when
// the binary was built before `make wasm` wrote module/scanner.wasm.
func Module() ([]byte, error) {
	b, err := moduleFS.ReadFile("module/scanner.wasm")
	if err != nil || len(b) == 0 {
		return nil, ErrNotBuilt
	}
	return b, nil
}

// Config configures New. The zero Config is ready to use.
type Config struct {
	// CacheDir holds wazero's compiled code between runs. Empty means
	// os.UserCacheDir()/discreet/wazero; when that cannot be used the cache
	// is kept in memory.
	CacheDir string
	// Instances is the most module instances scanning at once; 0 means
	// runtime.NumCPU(). Instances are created when first needed.
	Instances int
	// Module is the scanner module to run; nil means the embedded one.
	Module []byte
}

// Scanner scans posts with the scanner module. Its methods are safe for
// concurrent use.
type Scanner struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache
	slots    chan struct{} // one token per instance allowed to exist
	recycle  uint32        // retire an instance whose memory passes this size
	started  atomic.Int64  // instances started, for tests

	mu     sync.Mutex
	idle   []*instance
	policy []byte // the policy JSON in force (nil: the defaults)
	gen    uint64 // incremented by every successful Configure
	closed bool
}

// New compiles the module and starts one instance, checking that it speaks
// ABI version 1. More instances start as concurrent scans need them.
func New(ctx context.Context, cfg Config) (*Scanner, error) {
	return newScanner(ctx, cfg, defaultMemoryLimitPages)
}

func newScanner(ctx context.Context, cfg Config, memoryLimitPages uint32) (*Scanner, error) {
	bin := cfg.Module
	if bin == nil {
		var err error
		if bin, err = Module(); err != nil {
			return nil, err
		}
	}
	n := cfg.Instances
	if n <= 0 {
		n = runtime.NumCPU()
	}
	cache := openCache(cfg.CacheDir)
	// The compiler where wazero supports it. WithCloseOnContextDone is
	// left off: its checks made scans 3-5 times slower (1 ms against
	// 4.5 ms for 3,000 characters), and a scan is linear in its text, so
	// the context is checked before each call instead.
	rc := wazero.NewRuntimeConfig().
		WithCompilationCache(cache).
		WithMemoryLimitPages(memoryLimitPages)
	rt := wazero.NewRuntimeWithConfig(ctx, rc)
	s := &Scanner{rt: rt, cache: cache, slots: make(chan struct{}, n), recycle: recycleBytes}
	fail := func(err error) (*Scanner, error) {
		rt.Close(ctx)
		cache.Close(ctx)
		return nil, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return fail(fmt.Errorf("wasmhost: WASI: %w", err))
	}
	var err error
	if s.compiled, err = rt.CompileModule(ctx, bin); err != nil {
		return fail(fmt.Errorf("wasmhost: compiling the scanner module: %w", err))
	}
	for _, name := range []string{"_initialize", "discreet_abi_version", "discreet_alloc", "discreet_free",
		"discreet_output_ptr", "discreet_configure", "discreet_scan", "discreet_rules"} {
		if _, ok := s.compiled.ExportedFunctions()[name]; !ok {
			return fail(fmt.Errorf("wasmhost: the module does not export %s: not a Discreet scanner module", name))
		}
	}
	s.slots <- struct{}{}
	in, err := s.newInstance(ctx)
	if err != nil {
		<-s.slots
		return fail(err)
	}
	s.put(in)
	return s, nil
}

// openCache returns a compilation cache in dir (default: the user cache
// directory), or an in-memory one when the directory cannot be used.
func openCache(dir string) wazero.CompilationCache {
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "discreet", "wazero")
		}
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err == nil {
			if c, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
				return c
			}
		}
	}
	return wazero.NewCompilationCache()
}

// Configure compiles policyJSON (a rules.Policy; empty means the defaults)
// in the module and makes it the policy of every instance, now and later.
// A bad policy returns an error naming the field, and the policy in force
// stays.
func (s *Scanner) Configure(ctx context.Context, policyJSON []byte) (rules.PolicyInfo, error) {
	policy := append([]byte(nil), policyJSON...)
	var info rules.PolicyInfo
	err := s.with(ctx, func(in *instance) error {
		out, err := in.call(ctx, in.configure, string(policy))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(out, &info); err != nil {
			return fmt.Errorf("wasmhost: decoding the policy info: %w", err)
		}
		// This instance now runs the new policy; the others pick it up
		// before their next scan (see acquire).
		s.mu.Lock()
		s.policy = policy
		s.gen++
		in.gen = s.gen
		s.mu.Unlock()
		return nil
	})
	return info, err
}

// Scan checks a post and returns its findings and summary.
func (s *Scanner) Scan(ctx context.Context, text string) (rules.Result, error) {
	var r rules.Result
	out, err := s.ScanJSON(ctx, text)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return r, fmt.Errorf("wasmhost: decoding the scan result: %w", err)
	}
	return r, nil
}

// ScanJSON checks a post and returns the module's result JSON as is (a
// copy: the caller owns it).
func (s *Scanner) ScanJSON(ctx context.Context, text string) ([]byte, error) {
	var out []byte
	err := s.with(ctx, func(in *instance) error {
		var err error
		out, err = in.call(ctx, in.scan, text)
		return err
	})
	return out, err
}

// Catalog lists every rule of the policy in force.
func (s *Scanner) Catalog(ctx context.Context) ([]rules.RuleInfo, error) {
	c, err := s.catalog(ctx)
	return c.Rules, err
}

type catalog struct {
	Policy rules.PolicyInfo `json:"policy"`
	Rules  []rules.RuleInfo `json:"rules"`
}

func (s *Scanner) catalog(ctx context.Context) (catalog, error) {
	var c catalog
	err := s.with(ctx, func(in *instance) error {
		var err error
		c, err = in.catalog(ctx)
		return err
	})
	return c, err
}

func (in *instance) catalog(ctx context.Context) (catalog, error) {
	var c catalog
	out, err := in.call(ctx, in.rules, "")
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(out, &c); err != nil {
		return c, fmt.Errorf("wasmhost: decoding the catalogue: %w", err)
	}
	if c.Rules == nil {
		c.Rules = []rules.RuleInfo{}
	}
	return c, nil
}

// Close closes every instance and the runtime. Scans in flight fail;
// later calls return ErrClosed.
func (s *Scanner) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.idle = nil
	s.mu.Unlock()
	err := s.rt.Close(ctx)
	if cerr := s.cache.Close(ctx); err == nil {
		err = cerr
	}
	return err
}

// with runs f on an instance brought up to the current policy, and returns
// the instance to the pool unless the call failed in a way that may have
// left it unusable (a trap, an exit, a cancelled context).
func (s *Scanner) with(ctx context.Context, f func(*instance) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	in, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	err = f(in)
	var ae *answerError
	switch {
	case err != nil && !errors.As(err, &ae): // a trap; an error answer leaves the instance healthy
		s.discard(ctx, in)
	case in.mem.Size() > s.recycle:
		s.discard(ctx, in)
	default:
		s.put(in)
	}
	return err
}

// acquire takes an idle instance or starts one, waiting while all the
// allowed instances are busy.
func (s *Scanner) acquire(ctx context.Context) (*instance, error) {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.slots
		return nil, ErrClosed
	}
	var in *instance
	if n := len(s.idle); n > 0 {
		in, s.idle = s.idle[n-1], s.idle[:n-1]
	}
	policy, gen := s.policy, s.gen
	s.mu.Unlock()
	if in == nil {
		var err error
		if in, err = s.newInstance(ctx); err != nil {
			<-s.slots
			return nil, err
		}
	}
	if in.gen != gen {
		if _, err := in.call(ctx, in.configure, string(policy)); err != nil {
			// The policy compiled before, so this is a failing instance.
			s.discard(ctx, in)
			return nil, err
		}
		in.gen = gen
	}
	return in, nil
}

// put returns a healthy instance to the pool.
func (s *Scanner) put(in *instance) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		in.mod.Close(context.Background())
	} else {
		s.idle = append(s.idle, in)
		s.mu.Unlock()
	}
	<-s.slots
}

// discard closes a failed instance and frees its slot; the next scan that
// needs one starts a fresh instance.
func (s *Scanner) discard(ctx context.Context, in *instance) {
	in.mod.Close(context.WithoutCancel(ctx))
	<-s.slots
}

// instance is one module instance and its exports.
type instance struct {
	mod                    api.Module
	mem                    api.Memory
	alloc, free, outPtr    api.Function
	configure, scan, rules api.Function
	inPtr, inCap           uint32 // reusable input buffer
	gen                    uint64 // policy generation it runs
	stack                  [2]uint64
}

func (s *Scanner) newInstance(ctx context.Context) (*instance, error) {
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances of one module
		WithStartFunctions("_initialize").
		WithStdout(io.Discard).
		WithStderr(io.Discard)
	mod, err := s.rt.InstantiateModule(ctx, s.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("wasmhost: starting the scanner module: %w", err)
	}
	s.started.Add(1)
	in := &instance{
		mod:       mod,
		mem:       mod.Memory(),
		alloc:     mod.ExportedFunction("discreet_alloc"),
		free:      mod.ExportedFunction("discreet_free"),
		outPtr:    mod.ExportedFunction("discreet_output_ptr"),
		configure: mod.ExportedFunction("discreet_configure"),
		scan:      mod.ExportedFunction("discreet_scan"),
		rules:     mod.ExportedFunction("discreet_rules"),
	}
	if in.mem == nil {
		mod.Close(ctx)
		return nil, errors.New("wasmhost: the scanner module exports no memory")
	}
	v, err := mod.ExportedFunction("discreet_abi_version").Call(ctx)
	if err != nil {
		mod.Close(ctx)
		return nil, fmt.Errorf("wasmhost: discreet_abi_version: %w", err)
	}
	if got := int32(uint32(v[0])); got != ABIVersion {
		mod.Close(ctx)
		return nil, fmt.Errorf("wasmhost: the scanner module speaks ABI version %d; this host speaks %d (rebuild with make wasm)", got, ABIVersion)
	}
	return in, nil
}

// answerError is an error answer from the module ({"error": ...}): the call
// completed and the instance is fine.
type answerError struct{ msg string }

func (e *answerError) Error() string { return e.msg }

// call runs a (ptr, len) -> n export on input, or a () -> n export when
// fn is in.rules, and returns a copy of its answer.
func (in *instance) call(ctx context.Context, fn api.Function, input string) ([]byte, error) {
	st := in.stack[:]
	if fn != in.rules {
		if uint64(len(input)) > 1<<31-1 {
			return nil, &answerError{"wasmhost: the input is larger than 2 GiB"}
		}
		n := uint32(len(input))
		if n > in.inCap || in.inPtr == 0 {
			if in.inPtr != 0 {
				st[0] = uint64(in.inPtr)
				if err := in.free.CallWithStack(ctx, st); err != nil {
					return nil, trapped("discreet_free", err)
				}
				in.inPtr, in.inCap = 0, 0
			}
			c := max(n, 4096)
			st[0] = uint64(c)
			if err := in.alloc.CallWithStack(ctx, st); err != nil {
				return nil, trapped("discreet_alloc", err)
			}
			in.inPtr, in.inCap = uint32(st[0]), c
		}
		if !in.mem.WriteString(in.inPtr, input) {
			return nil, errors.New("wasmhost: discreet_alloc returned a buffer outside memory")
		}
		st[0], st[1] = uint64(in.inPtr), uint64(n)
	}
	if err := fn.CallWithStack(ctx, st); err != nil {
		return nil, trapped(fn.Definition().ExportNames()[0], err)
	}
	n := int32(uint32(st[0]))
	size := n
	if size < 0 {
		size = -n
	}
	if err := in.outPtr.CallWithStack(ctx, st); err != nil {
		return nil, trapped("discreet_output_ptr", err)
	}
	view, ok := in.mem.Read(uint32(st[0]), uint32(size))
	if !ok {
		return nil, errors.New("wasmhost: the module's answer lies outside its memory")
	}
	out := append([]byte(nil), view...) // the view dies at the next call
	if n < 0 {
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(out, &e); err != nil || e.Error == "" {
			return nil, &answerError{"wasmhost: the module failed with an unreadable error answer"}
		}
		return nil, &answerError{e.Error}
	}
	return out, nil
}

// TrapError is the error of a call into the module that did not complete
// (a trap such as out of memory, or an exit). The instance was discarded.
type TrapError struct {
	Export string // the export that failed
	Err    error  // wazero's error, with the module's stack trace
}

func (e *TrapError) Error() string {
	msg, _, _ := strings.Cut(e.Err.Error(), "\n") // the stack trace is for Unwrap
	return "wasmhost: the scanner module failed in " + e.Export + " (the instance was replaced): " + msg
}

func (e *TrapError) Unwrap() error { return e.Err }

func trapped(export string, err error) error { return &TrapError{Export: export, Err: err} }
