# host/: the Go side (wazero host, command line, server, audit). Included by
# the top Makefile; one block per part.

# --- wazero host and command line (host/wasmhost, host/cmd/discreet, host/eval)
# The go tests run in the top Makefile's test-go. `make contract` checks the
# jsonl contract with the shared checker when it is present (not in CI).
.PHONY: contract
contract: bin
	@test -x ../shared/contract/check-scan || { echo "contract: ../shared/contract/check-scan not found"; exit 1; }
	../shared/contract/check-scan ./$(BIN) scan --format jsonl --engine wasm
	../shared/contract/check-scan ./$(BIN) scan --format jsonl --engine native
