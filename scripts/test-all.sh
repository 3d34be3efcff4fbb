#!/usr/bin/env bash
# Sets up what the tests need (idempotent) and runs every test:
#   1. unit + integration tests of shared, engine, app, server (real server on 127.0.0.1:0,
#      temp SQLite files),
#   2. the server's integration suite again on PostgreSQL (a throwaway cluster from
#      Debian's packages when none listens on 127.0.0.1:5432; scripts/pg-test-server.sh),
#   3. the API against its OpenAPI document (schemathesis; scripts/contract-check.sh),
#   4. the browser tests in end2end/ (headless chromium against the built binary + site).
# Honours CARGO_TARGET_DIR (CI keeps one outside the clone so repeat runs are fast).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
t0=$(date +%s)

step "installing build and test tools (skipped when present)"
bash scripts/install-tools.sh --test

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "columns are read by name only in the engine's store (issue 32)"
bash scripts/check-store.sh

step "building the site and the server binary (scripts/build-site.sh)"
# its own site directory, so a demo running from this checkout keeps its files
export LEPTOS_SITE_ROOT=target/site-test OC_SITE_ROOT="$PWD/target/site-test"
bash scripts/build-site.sh
t1=$(date +%s)

# Each phase has a time limit, so a hang fails loudly instead of eating the CI budget.
step "unit and integration tests"
timeout 1200 cargo test --locked
t2=$(date +%s)

# The whole default-member test run again (not just -p server: the same package
# selection keeps cargo's feature unification, so nothing is rebuilt).
step "the integration suite again on PostgreSQL (issue 10)"
PG_ADMIN_URL=$(bash scripts/pg-test-server.sh)
# the browser test on two instances (end2end/tests/two_instances.rs) uses it too
export OC_TEST_PG_URL="$PG_ADMIN_URL"
drop_test_databases() {
  psql "$PG_ADMIN_URL" -qtAc "SELECT datname FROM pg_database WHERE datname LIKE 'oct\_%'" |
    while read -r db; do psql "$PG_ADMIN_URL" -qc "DROP DATABASE \"$db\" WITH (FORCE)"; done
}
drop_test_databases
OC_TEST_DB=postgres OC_TEST_PG_URL="$PG_ADMIN_URL" OC_MASK_KEY=$(printf '%064d' 7) \
  timeout 1200 cargo test --locked
drop_test_databases
t2b=$(date +%s)

step "the API against its OpenAPI document (schemathesis, issue 30)"
timeout 600 bash scripts/contract-check.sh
t2c=$(date +%s)

step "browser tests (headless chromium)"
timeout 1500 cargo test --locked -p end2end -- --test-threads=1
t3=$(date +%s)

step "the development loop: cargo leptos watch serves the demo with live reload"
# its own target directory: the watcher builds with LEPTOS_WATCH set, which would
# otherwise make cargo rebuild the test build's leptos crates on every run
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/watch" timeout 1500 bash scripts/check-watch.sh
t4=$(date +%s)

printf '\nall tests passed: setup+build %ss, unit+integration %ss, PostgreSQL %ss, contract %ss, browser %ss, watch %ss, total %ss\n' \
  $((t1 - t0)) $((t2 - t1)) $((t2b - t2)) $((t2c - t2b)) $((t3 - t2c)) $((t4 - t3)) $((t4 - t0))
