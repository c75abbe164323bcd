# Discreet. `make run` shows it working; `make test` runs every test.
# Each part of the tree may add to build::, test::, check:: and bench:: in
# its own make.mk (double-colon rules run one after another, in order).

GO      ?= go
export GOFLAGS := -buildvcs=false
WASM    := host/wasmhost/module/scanner.wasm
# The module's size budget, gzip -9, in bytes (1.5 MB): make check fails above it.
WASM_GZIP_BUDGET := 1500000
BIN     := build/discreet

.PHONY: all build wasm bin test test-go bench eval check run fuzz clean browser-deps
all: build

build:: wasm bin

# The scanner module: one file for the extension and for wazero. The host
# embeds it, so it is written inside host/wasmhost/module (not committed).
# GOWASM lets the compiler use the sign-extension and non-trapping
# float-to-int instructions (WebAssembly 2.0, in every browser the extension
# supports and in wazero): about 1 KB less gzipped. mergedata then merges
# the linker's 33,000 data segments into a few (55 KB less gzipped: the
# segments' headers; see wasm/internal/mergedata).
wasm: $(WASM)
$(WASM): rules/embedded.go $(shell find rules wasm -name '*.go' | grep -v _test.go) go.mod
	GOOS=wasip1 GOARCH=wasm GOWASM=satconv,signext $(GO) build -buildmode=c-shared -trimpath -ldflags="-s -w" -o $@ ./wasm
	$(GO) run ./wasm/internal/mergedata $@
	@printf 'scanner.wasm: %s bytes, %s gzipped\n' $$(wc -c <$@) $$(gzip -9c $@ | wc -c)

# The packs and word tables as Go strings (see rules/gen/embed). Only the
# embedder runs here: `go generate ./rules` also retrains the learned model
# (a minute), which TestModelCurrent checks is current instead.
EMBED := cd rules && $(GO) run ./gen/embed -dir .
rules/embedded.go: $(wildcard rules/packs/*.json rules/data/*.txt) rules/gen/embed/main.go
	$(EMBED)

bin: $(WASM)
	$(GO) build -trimpath -o $(BIN) ./host/cmd/discreet

test:: test-go

# The trainer's test (TestModelCurrent retrains the model, about two minutes
# of both CPUs) starts first, beside the other packages, instead of waiting
# for a slot behind them; its output follows theirs.
TRAIN_PKG := ./rules/gen/train
test-go: $(WASM)
	@mkdir -p build
	@$(GO) test -count=1 $(TRAIN_PKG) >build/test-train.log 2>&1 & pid=$$!; \
	$(GO) test -count=1 $$($(GO) list ./... | grep -v '/rules/gen/train$$'); s=$$?; \
	wait $$pid; t=$$?; cat build/test-train.log; exit $$((s | t))

bench: $(WASM)
	$(GO) test -run='^$$' -bench=. -benchmem ./rules/ ./host/...

# Detection scores on the tuning corpus and the two held-out sets (see
# rules/testdata/*.md for how each was written).
eval: bin
	@for f in corpus heldout heldout2 heldout3; do ./$(BIN) eval rules/testdata/$$f.jsonl; echo; done

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzScan -fuzztime=60s ./rules/

check:: $(WASM)
	$(EMBED)
	@git diff --quiet -- rules/embedded.go rules/embedded_wasm.go || (echo 'rules/embedded*.go were stale: commit the regenerated files'; exit 1)
	$(GO) vet ./...
	@test -z "$$(gofmt -l rules wasm host)" || (gofmt -l rules wasm host; echo 'gofmt: files above need formatting'; exit 1)
	$(GO) mod tidy -diff
	@n=$$(gzip -9c $(WASM) | wc -c); if [ $$n -gt $(WASM_GZIP_BUDGET) ]; then \
	  echo "scanner.wasm is $$n bytes gzipped, over the $(WASM_GZIP_BUDGET)-byte budget"; exit 1; \
	else echo "scanner.wasm: $$n bytes gzipped (budget $(WASM_GZIP_BUDGET))"; fi

run:: build
	@echo "Scanning a sample post with the wasm engine:"
	@printf '%s\n' "My patient John Smith (MRN 44120931), 92yo, was discharged today from room 214. Call 555-201-7788." | ./$(BIN) scan - || true

# The npm workspace (package.json at the top: the extension, the worker's
# wrangler, the console's and the audit report's browser tests): one
# lockfile, one install, into ./node_modules.
NODE_DEPS := node_modules/.installed
NODE_PKGS := package.json package-lock.json extension/package.json host/worker/package.json host/console/package.json host/audit/e2e/package.json
$(NODE_DEPS): $(NODE_PKGS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's chromium for the browser tests, installed when absent.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf build $(WASM)

-include extension/make.mk
-include host/make.mk
