#!/usr/bin/env bash
# Builds the site and the server (issue 17):
#   1. `cargo leptos build`: the server binary and the agents' bundle (`frontend`),
#   2. the customers' lean bundle (`customer`: help center and widget only) — cargo-leptos
#      builds one bundle per project, so this one is built here: cargo, wasm-bindgen,
#      wasm-opt, with the same flags cargo-leptos uses,
#   3. (release) brotli and gzip copies of every script, module and stylesheet, which
#      the server sends as they are (no request compresses a bundle).
# Usage: scripts/build-site.sh [--release]
# The site goes to $LEPTOS_SITE_ROOT (default target/site; the tests use target/site-test
# so a running demo keeps its files).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"

release=0
[ "${1:-}" = "--release" ] && release=1
site="${LEPTOS_SITE_ROOT:-target/site}"
export LEPTOS_SITE_ROOT="$site"
target="${CARGO_TARGET_DIR:-target}"

# The customers' bundle shares cargo-leptos's wasm target directory (`front`): same
# flags (`.cargo/config.toml`), so the dependencies are built once for both bundles.
customer_target="$target/front"
customer_build() { # package args…
  CARGO_TARGET_DIR="$customer_target" cargo build --locked -p "$1" --lib \
    --target wasm32-unknown-unknown --no-default-features "${@:2}"
}
if [ "$release" = 1 ]; then
  cargo leptos build --release
  profile=wasm-release
  customer_build customer --profile "$profile"
else
  cargo leptos build
  profile=debug
  customer_build customer
fi

pkg="$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name customer \
  "$customer_target/wasm32-unknown-unknown/$profile/customer.wasm"
if [ "$release" = 1 ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$pkg/customer_bg.wasm" -o "$pkg/customer_bg.wasm"
  for f in "$pkg"/*.js "$pkg"/*.wasm "$pkg"/*.css; do
    [ -f "$f" ] || continue
    gzip -9 -k -f "$f"
    if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
    # both tools copy the file's time (to the second); the server takes a copy only
    # when it is not older than its file
    touch "$f.gz" "$f.br" 2>/dev/null || true
  done
else
  # a debug build keeps no copies: an older release copy must not be served for it
  rm -f "$pkg"/*.gz "$pkg"/*.br
fi
