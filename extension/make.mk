# The browser extension (extension/). Included by the top Makefile.
#   make build   -> build/extension/chrome, build/extension/firefox (unpacked)
#   make test    -> node:test unit tests + headless Chromium and Firefox ESR tests (test-extension)
#   make check   -> tsc --noEmit (checkJs) + web-ext lint on the Firefox build
#   make bench-extension, make run-extension
EXT       := extension
EXT_NODE  := $(NODE_DEPS)
EXT_SRC   := $(shell find $(EXT)/src $(EXT)/manifest $(EXT)/tools $(EXT)/bench -type f) $(EXT)/managed_schema.json
EXT_BUILT := build/extension/chrome/manifest.json
EXT_FIX   := build/extension-fixtures/draft.html

.PHONY: firefox-deps bench-ocr build-extension test-extension test-extension-unit test-extension-browser check-extension bench-extension run-extension

build:: build-extension
test:: test-extension
check:: check-extension
run:: run-extension

$(EXT_BUILT): $(WASM) $(EXT_SRC) $(EXT_NODE)
	node $(EXT)/tools/build.mjs

$(EXT_FIX): $(wildcard $(EXT)/test/fixtures/*) $(EXT_NODE)
	node $(EXT)/tools/fixtures.mjs

build-extension: $(EXT_BUILT)

test-extension: test-extension-unit test-extension-browser

test-extension-unit: $(EXT_NODE) $(WASM)
	cd $(EXT) && node --test test/unit/

# Debian's firefox-esr for the browser tests (driven over WebDriver BiDi), installed when absent.
firefox-deps:
	@command -v firefox-esr >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr)

# Chromium's and Firefox's runs at the same time (test/browser/run.mjs); DISCREET_BROWSERS=chromium for one.
test-extension-browser: browser-deps firefox-deps bin $(EXT_BUILT) $(EXT_FIX)
	cd $(EXT) && node test/browser/run.mjs

check-extension: $(EXT_BUILT) $(EXT_NODE)
	cd $(EXT) && npx tsc -p jsconfig.json --noEmit
	@# vendor/tesseract/worker.min.js is tesseract.js's own worker build, shipped as published: its
	@# regenerator-runtime fallback names the Function constructor (never reached; the CSP refuses it).
	cd $(EXT) && npx web-ext lint --source-dir ../build/extension/firefox --self-hosted --warnings-as-errors --output text --ignore-files 'vendor/tesseract/worker.min.js'

# The benchmark runs the --bench build (bench page and timing hooks), which the product build leaves out.
bench-extension: browser-deps $(WASM) $(EXT_NODE) $(EXT_FIX)
	node $(EXT)/tools/build.mjs --bench
	cd $(EXT) && DISCREET_EXT_DIR=$(CURDIR)/build/extension-bench/chrome node bench/run.mjs

bench-ocr: browser-deps firefox-deps $(EXT_BUILT) $(EXT_FIX)
	cd $(EXT) && node --experimental-websocket bench/ocr.mjs

run-extension: browser-deps $(EXT_BUILT) $(EXT_FIX)
	cd $(EXT) && node tools/run.mjs
