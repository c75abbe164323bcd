# host/: the Go side (wazero host, command line, server, audit). Included by
# the top Makefile; one block per part.

# --- wazero host and command line (host/wasmhost, host/cmd/discreet, host/internal/eval)
# The go tests run in the top Makefile's test-go. `make contract` checks the
# jsonl contract with the shared checker when it is present (not in CI).
.PHONY: contract bench-jsonl
# scan --format jsonl against a naive 30-regexp baseline, as a ratio (x-naive).
bench-jsonl: $(WASM)
	$(GO) test -run='^$$' -bench=ScanJSONL -benchtime=1x ./host/cmd/discreet/
contract: bin
	@test -x ../shared/contract/check-scan || { echo "contract: ../shared/contract/check-scan not found"; exit 1; }
	../shared/contract/check-scan ./$(BIN) scan --format jsonl --engine wasm
	../shared/contract/check-scan ./$(BIN) scan --format jsonl --engine native

# --- self-audit of past posts (host/audit, `discreet audit`)
# Its Go tests run in test-go. test-audit audits a generated X archive with
# the built command and opens report.html in Debian's chromium
# (playwright-core from the npm workspace).
# The speed goal is a benchmark: make bench-audit.
.PHONY: test-audit bench-audit
test:: test-audit
test-audit: bin browser-deps $(NODE_DEPS)
	DISCREET_BIN=$(BIN) node --test host/audit/e2e/
bench-audit: $(WASM)
	$(GO) test -run='^$$' -bench=AuditX100k -benchtime=1x ./host/audit/

# --- settings backend: host/server (the handler), host/worker (Cloudflare
# Workers via syumai/workers, wrangler 4.86.0 pinned in the workspace lockfile),
# host/console (admin console, embedded). The Go suite in host/server runs
# natively in test-go; test-server runs it again against `wrangler dev` with
# local D1, and the console's browser test against both. make worker-dev
# runs the worker.
WORKER_NODE  := $(NODE_DEPS)
CONSOLE_NODE := $(NODE_DEPS)
.PHONY: console-vendor worker-build worker-dev test-server test-server-worker test-console bench-server bench-worker bench-worker-cpu
test:: test-server

# go:embed cannot reach extension/: its WASI shim and scanner client are
# committed copies in host/console/vendor, refreshed here (go test
# ./host/console fails when they are stale).
console-vendor:
	@mkdir -p host/console/vendor
	@for f in wasi.js answer.js scanner.js; do \
	  if [ -f extension/src/$$f ]; then cmp -s extension/src/$$f host/console/vendor/$$f || cp extension/src/$$f host/console/vendor/$$f; \
	  else rm -f host/console/vendor/$$f; echo "console-vendor: extension/src/$$f is missing; the console's live preview will say it is unavailable"; fi; done
bin: console-vendor


worker-build: console-vendor $(WASM)
	cd host/worker && $(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go
	cd host/worker && GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o build/app.wasm .
	mkdir -p host/worker/build/assets/console && cp $(WASM) host/worker/build/assets/console/scanner.wasm
	@printf 'worker app.wasm: %s bytes, %s gzipped\n' $$(wc -c <host/worker/build/app.wasm) $$(gzip -9c host/worker/build/app.wasm | wc -c)

worker-dev: worker-build $(WORKER_NODE)
	host/worker/wrangler.sh dev

test-server: test-server-worker test-console

test-server-worker: worker-build $(WORKER_NODE) $(CONSOLE_NODE) browser-deps
	host/worker/wrangler.sh test sh -c '$(GO) test -count=1 ./host/server/ && node --test --test-timeout=300000 host/console/test/'

test-console: bin browser-deps $(CONSOLE_NODE)
	DISCREET_BIN=$(BIN) node --test --test-timeout=180000 host/console/test/

bench-server: $(WASM)
	$(GO) test -run='^$$' -bench=PolicyFetch -benchtime=3s ./host/server/

# CPU per request of each route, in Node's V8 with D1 stubbed (wrangler dev reports none).
bench-worker-cpu: worker-build
	node host/worker/bench/cpu.mjs

# The extension's routes on wrangler dev (the JS hot path, no Go started): p50/p99.
bench-worker: worker-build $(WORKER_NODE)
	host/worker/wrangler.sh test node host/worker/bench/hotpath.mjs
