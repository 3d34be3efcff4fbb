#!/usr/bin/env bash
# The API against its own OpenAPI document (issue 30): schemathesis (PyPI, installed by
# scripts/install-tools.sh --test) drives the built server — a fresh demo on a temp
# SQLite file, signed in as the demo admin — with every check, and fails on any
# finding: a server error, a status the document does not declare, an answer that is
# not its declared schema or content type, a schema-valid request refused (400, 415, or
# 422 outside the few operations scripts/contract.toml names with their reasons), a
# schema-violating request accepted, a missing auth accepted, a deleted thing still
# there — or a panic in the server's log.
#
# Logout and the two-factor endpoints end or fence the session a run uses, so they get
# a second pass of their own, after the rest. Left out: the Excel import (a workbook
# body schemathesis cannot make; server/tests/import.rs and memory.rs send real and
# hostile workbooks).
# A fixed seed and example count keep a run repeatable; about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-target}/debug/online-contact"
[ -x "$bin" ] || { echo "contract-check: build the server first ($bin)" >&2; exit 1; }
# schemathesis's command, installed beside the python3 that pip used
st=$(python3 -c 'import os, sys; print(os.path.join(os.path.dirname(sys.executable), "st"))')
[ -x "$st" ] || st=st
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" serve --demo --addr "127.0.0.1:$port" --database-url "sqlite://$work/contract.db" \
  --site-root "$work" --presence-grace-secs 5 \
  --limit-chat-starts-per-address off --limit-chat-starts-per-visitor off \
  --limit-inquiries-per-address off --limit-customer-messages off >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
token=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d '{"email":"admin@demo.test","password":"demo-password"}' "$base/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
# One schemathesis pass: `fuzz NAME TOKEN [selection…]`; the whole report when it found
# something, else its summary.
fuzz() {
  local name=$1 bearer=$2
  shift 2
  local status=0
  "$st" --no-color --config-file scripts/contract.toml run "$base/api/v1/openapi.json" --url "$base" \
    --checks all -H "Authorization: Bearer $bearer" \
    --max-examples 15 --workers 1 --seed 266894911308427074480155718143560819958 \
    "$@" >"$work/$name.log" 2>&1 || status=$?
  if [ "$status" = 0 ]; then tail -n 12 "$work/$name.log"; else cat "$work/$name.log"; fi
  return "$status"
}
# First the operations that end or fence a session, in a pass of their own, with the
# session of an agent made for it (an admin's could require two-factor of everybody
# and fence the main pass's session too).
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"계약 점검","email":"contract@demo.test","password":"contract-password","role":"agent"}' \
  "$base/api/v1/agents"
agent_token=$(curl -fsS -X POST -H 'content-type: application/json' \
  -d '{"email":"contract@demo.test","password":"contract-password"}' "$base/api/v1/auth/login" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
sessions=(--include-path /api/v1/auth/logout --include-path /api/v1/settings/two-factor
  --include-path-regex '^/api/v1/account/two-factor')
status=0
fuzz session "$agent_token" "${sessions[@]}" || status=$?
# then everything else, as the demo admin
if [ "$status" = 0 ]; then
  fuzz main "$token" "${sessions[@]/--include/--exclude}" \
    --exclude-path /api/v1/import --exclude-path /api/v1/import/preview || status=$?
fi
if grep -q "panicked" "$work/server.log"; then
  echo "contract-check: the server panicked" >&2
  grep -m5 "panicked" "$work/server.log" >&2
  exit 1
fi
exit "$status"
