#!/usr/bin/env bash
# Page weight of the embeddable widget (issue 6; the full benchmark suite is issue 9):
#   * the loader `/widget.js` as sent (gzip, as the server compresses it) and gzip -9,
#   * the widget's first open: the iframe page `/widget/{slug}` with every asset it
#     loads (HTML + JS + WASM + CSS), as transferred (curl --compressed: brotli when
#     the server has it, else gzip),
#   * the help center's and the console's first load, the same way (issue 17).
# LABEL=x names the result file bench/results/widget-size-x.json.
# Usage: bench/widget-size.sh [BASE_URL]   (default: starts the release binary with --demo)
# Writes bench/results/widget-size.json.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-}"
slug="${SLUG:-demo}"
source bench/serve-release.sh

xfer() { curl -s --compressed -o /dev/null -w '%{size_download}' "$1"; }
raw() { curl -s -o /dev/null -w '%{size_download}' "$1"; }

loader_url="$base/widget.js?service=$slug"
loader_raw=$(raw "$loader_url")
loader_gz=$(curl -s -H 'Accept-Encoding: gzip' "$loader_url" | wc -c)
loader_gz9=$(curl -s "$loader_url" | gzip -9 -c | wc -c)

page="$base/widget/$slug?locale=ko&host=http%3A%2F%2Fexample.test&page=http%3A%2F%2Fexample.test%2F"
html=$(curl -s "$page")
html_x=$(xfer "$page")
total=$html_x
declare -A parts
for asset in $(printf '%s' "$html" | grep -oE '/pkg/[^"]+\.(js|css|wasm)' | sort -u); do
  size=$(xfer "$base$asset")
  parts[$asset]=$size
  total=$((total + size))
done
wasm_url=$(printf '%s' "$html" | grep -oE '/pkg/[^"]+\.wasm' | head -n1 || true)
wasm_raw=0; [ -n "$wasm_url" ] && wasm_raw=$(raw "$base$wasm_url")

# a page's first load: its HTML and every script, module and stylesheet it names
first_load() {
  local page_html total asset
  page_html=$(curl -s "$1")
  total=$(xfer "$1")
  for asset in $(printf '%s' "$page_html" | grep -oE '/pkg/[^"]+\.(js|css|wasm)' | sort -u); do
    total=$((total + $(xfer "$base$asset")))
  done
  echo "$total"
}
hc_total=$(first_load "$base/hc/$slug")
# the console's first load (agents' bundle; the login screen)
co_total=$(first_load "$base/console")

printf 'help center first open (HTML + JS + WASM + CSS, as transferred): %s bytes\n' "$hc_total"
printf 'console first open (HTML + JS + WASM + CSS, as transferred): %s bytes\n' "$co_total"
printf 'widget loader (/widget.js): %s bytes raw, %s bytes as sent (gzip), %s bytes gzip -9  [target <= 2048 gz]\n' "$loader_raw" "$loader_gz" "$loader_gz9"
printf 'widget first open (HTML + JS + WASM + CSS, as transferred): %s bytes  [target <= 102400]\n' "$total"
printf '  html %s\n' "$html_x"
for k in "${!parts[@]}"; do printf '  %s %s\n' "$k" "${parts[$k]}"; done
printf '  (wasm uncompressed: %s bytes)\n' "$wasm_raw"

mkdir -p bench/results
out="bench/results/widget-size${LABEL:+-$LABEL}.json"
cat > "$out" <<JSON
{
  "measured_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "machine": "$(nproc) cores, $(uname -sr)",
  "loader_raw_bytes": $loader_raw,
  "loader_gzip_sent_bytes": $loader_gz,
  "loader_gzip9_bytes": $loader_gz9,
  "widget_first_open_gzip_bytes": $total,
  "help_center_first_open_gzip_bytes": $hc_total,
  "console_first_open_bytes": $co_total,
  "widget_html_gzip_bytes": $html_x,
  "widget_wasm_raw_bytes": $wasm_raw
}
JSON
echo "wrote $out"
