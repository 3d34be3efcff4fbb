#!/usr/bin/env bash
# Issue 17: how small a hydrated Leptos page can be with the customers' bundle's
# dependencies (bench/wasm-floor), built exactly like the customers' bundle
# (scripts/build-site.sh: profile wasm-release, wasm-bindgen, wasm-opt -Oz), beside the
# customers' bundle itself. Writes bench/results/wasm-floor.json.
# Usage: bench/wasm-floor.sh   (after scripts/build-site.sh --release)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"
target="${CARGO_TARGET_DIR:-target}"
site="${LEPTOS_SITE_ROOT:-target/site}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# the same flags and target directory as the customers' bundle (scripts/build-site.sh)
CARGO_TARGET_DIR="$target/front" \
  cargo build --locked -p wasm-floor --lib --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name floor \
  "$target/front/wasm32-unknown-unknown/wasm-release/wasm_floor.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/floor_bg.wasm" -o "$out/floor_bg.wasm"
sizes() { # file -> raw gzip brotli
  printf '%s %s %s' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)" "$(brotli -q 11 -c "$1" | wc -c)"
}
read -r fw_raw fw_gz fw_br <<<"$(sizes "$out/floor_bg.wasm")"
read -r fj_raw fj_gz fj_br <<<"$(sizes "$out/floor.js")"
read -r cw_raw cw_gz cw_br <<<"$(sizes "$site/pkg/customer_bg.wasm")"
read -r cj_raw cj_gz cj_br <<<"$(sizes "$site/pkg/customer.js")"
floor_br=$((fw_br + fj_br)); customer_br=$((cw_br + cj_br))
printf 'floor (wasm + js): %s B raw, %s B gzip, %s B brotli\n' $((fw_raw + fj_raw)) $((fw_gz + fj_gz)) "$floor_br"
printf 'customers (wasm + js): %s B raw, %s B gzip, %s B brotli — %s× the floor (brotli)\n' \
  $((cw_raw + cj_raw)) $((cw_gz + cj_gz)) "$customer_br" "$(python3 -c "print(round($customer_br/$floor_br, 2))")"
mkdir -p bench/results
cat > bench/results/wasm-floor.json <<JSON
{
  "floor": {"wasm_raw": $fw_raw, "wasm_gzip": $fw_gz, "wasm_brotli": $fw_br, "js_raw": $fj_raw, "js_gzip": $fj_gz, "js_brotli": $fj_br},
  "customers": {"wasm_raw": $cw_raw, "wasm_gzip": $cw_gz, "wasm_brotli": $cw_br, "js_raw": $cj_raw, "js_gzip": $cj_gz, "js_brotli": $cj_br},
  "ratio_brotli": $(python3 -c "print(round($customer_br/$floor_br, 3))")
}
JSON
