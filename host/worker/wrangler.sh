#!/bin/sh
# Runs the worker locally with `wrangler dev` and a local D1.
#
#   host/worker/wrangler.sh dev              serve on $WORKER_PORT (default 8787) until ^C
#   host/worker/wrangler.sh test CMD...      serve on $WORKER_PORT (default 8798) with a fresh
#                                            database, run CMD with DISCREET_TEST_BASE_URL and
#                                            DISCREET_TEST_OWNER_TOKEN set, then stop
#
# Expects `make worker-build` to have written build/ and `npm ci` (at the top of the tree) node_modules/.
# Secrets: SIGNING_KEY and OWNER_TOKEN are passed as --var; `dev` keeps them in
# .wrangler/dev-secrets (so restarts keep the same key and token), `test` makes
# new ones each run. Offline: no metrics, no network.
set -eu
caller=$(pwd)
cd "$(dirname "$0")"
mode=${1:-dev}
[ $# -gt 0 ] && shift
export WRANGLER_SEND_METRICS=false
WRANGLER=../../node_modules/.bin/wrangler # from the npm workspace at the top of the tree
[ -x "$WRANGLER" ] || { echo "wrangler.sh: run npm ci at the top of the tree first (make worker-dev does)"; exit 2; }
[ -f build/app.wasm ] || { echo "wrangler.sh: build/app.wasm missing: make worker-build"; exit 2; }

rand() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
token() { printf 'dso_%s' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; }

if [ "$mode" = test ]; then
  port=${WORKER_PORT:-8798}
  state=$(mktemp -d)
  key=$(rand); owner=$(token)
else
  port=${WORKER_PORT:-8787}
  state=.wrangler/dev-state
  mkdir -p .wrangler
  if [ ! -f .wrangler/dev-secrets ]; then
    printf 'key=%s\nowner=%s\n' "$(rand)" "$(token)" > .wrangler/dev-secrets
    chmod 600 .wrangler/dev-secrets
    echo "owner token (kept in host/worker/.wrangler/dev-secrets): $(sed -n 's/^owner=//p' .wrangler/dev-secrets)"
  fi
  key=$(sed -n 's/^key=//p' .wrangler/dev-secrets); owner=$(sed -n 's/^owner=//p' .wrangler/dev-secrets)
fi

"$WRANGLER" d1 migrations apply DB --local --persist-to "$state" >"$state.migrate.log" 2>&1 ||
  { cat "$state.migrate.log"; exit 1; }

if [ "$mode" != test ]; then
  exec "$WRANGLER" dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
    --var "SIGNING_KEY:$key" --var "OWNER_TOKEN:$owner"
fi

log=$state/wrangler.log
setsid "$WRANGLER" dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
  --var "SIGNING_KEY:$key" --var "OWNER_TOKEN:$owner" >"$log" 2>&1 &
pid=$!
stop() { kill -TERM "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state" "$state.migrate.log"; }
trap stop EXIT INT TERM
i=0
until node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/healthz"; do
  i=$((i + 1))
  if [ $i -gt 120 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "wrangler.sh: wrangler dev did not become ready on port $port:"; cat "$log"; exit 1
  fi
  sleep 0.5
done
echo "wrangler.sh: wrangler dev ready on http://127.0.0.1:$port (after $i polls)"
status=0
(cd "$caller" && DISCREET_TEST_BASE_URL="http://127.0.0.1:$port" DISCREET_TEST_OWNER_TOKEN="$owner" "$@") || status=$?
[ $status -eq 0 ] || { echo "--- wrangler dev log: errors, then the tail"; grep -n -i "error\|restart\|reload" "$log" | grep -v "Request.cf\|getaddrinfo" | head -40; tail -20 "$log"; }
exit $status
