#!/usr/bin/env bash
# Issue 17's spike: Leptos 0.8's own code splitting (`#[lazy_route]` + `cargo leptos
# build --split`) against the lean `customer` bundle. Applies bench/lazy-route-spike.patch
# (one app with every page; the agents' pages lazy) to a throwaway worktree of HEAD,
# builds it release with --split, and compares what /hc and /widget would load first
# (the main wasm, its JS glue and the split loader) with the customers' bundle of
# target/site (build that first: scripts/build-site.sh --release). Brotli -q 11 both.
# Writes bench/results/lazy-route-spike.json.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
tree=${SPIKE_TREE:-/var/tmp/oc-lazy-route-spike}
rm -rf "$tree"; git worktree prune
git worktree add -f --detach "$tree" HEAD >/dev/null
git -C "$tree" apply "$here/bench/lazy-route-spike.patch"
(cd "$tree" && cargo leptos build --release --split --frontend-only)
br() { brotli -q 11 -c "$1" | wc -c; }
pkg="$tree/target/site/pkg"
split_wasm=$(br "$pkg/online-contact.wasm")
split_js=$(br "$pkg/online-contact.js")
split_loader=$(br "$pkg"/__wasm_split.*.js)
lazy_chunks=$(ls "$pkg"/split_*.wasm "$pkg"/chunk_*.wasm | wc -l)
site=${SITE:-target/site}/pkg
cust_wasm=$(br "$site/customer_bg.wasm")
cust_js=$(br "$site/customer.js")
split_total=$((split_wasm + split_js + split_loader))
cust_total=$((cust_wasm + cust_js))
mkdir -p bench/results
cat > bench/results/lazy-route-spike.json <<JSON
{"split_main_wasm": $split_wasm, "split_js": $split_js, "split_loader_js": $split_loader,
 "split_first_load": $split_total, "lazy_files": $lazy_chunks,
 "customer_wasm": $cust_wasm, "customer_js": $cust_js, "customer_first_load": $cust_total}
JSON
cat bench/results/lazy-route-spike.json
git worktree remove --force "$tree"
