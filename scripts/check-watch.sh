#!/usr/bin/env bash
# Issue 17: the developer's loop works — `cargo leptos watch` builds, serves the demo
# (the binary without a command serves; demo data on under watch) and the help center
# answers with the live-reload script in it. Runs on free ports with a temp database
# and its own site directory; stops the watcher afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); reload=$(free_port)
tmp=$(mktemp -d)
export LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_RELOAD_PORT="$reload" \
  LEPTOS_SITE_ROOT=target/site-watch DATABASE_URL="sqlite://$tmp/oc.db" OC_MASK_KEY=$(printf '%064d' 9)
setsid cargo leptos watch >"$tmp/watch.log" 2>&1 &
watcher=$!
stop() { kill -- -"$watcher" 2>/dev/null || true; sleep 1; kill -9 -- -"$watcher" 2>/dev/null || true; }
trap 'stop; rm -rf "$tmp"' EXIT
deadline=$(( $(date +%s) + ${WATCH_TIMEOUT:-1400} ))
until page=$(curl -fs "http://127.0.0.1:$port/hc/demo"); do
  if [ "$(date +%s)" -gt "$deadline" ] || ! kill -0 "$watcher" 2>/dev/null; then
    echo "cargo leptos watch did not serve the help center:" >&2; tail -30 "$tmp/watch.log" >&2; exit 1
  fi
  sleep 2
done
grep -q '데모 쇼핑' <<<"$page" || { echo "the help center has no demo service" >&2; exit 1; }
grep -q "$reload" <<<"$page" || { echo "no live-reload script on the page" >&2; exit 1; }
echo "cargo leptos watch serves the demo at http://127.0.0.1:$port/hc/demo with live reload (port $reload)"
