#!/usr/bin/env bash
# Page speed measured like a customer's phone (issue 17): Lighthouse's mobile preset
# (simulated slow 4G and a 4× slower CPU, its defaults) against Debian's chromium, on
#   * the help center `/hc/{slug}`,
#   * the widget's chat page `/widget/{slug}` (what the iframe loads when a customer opens
#     the chat on a host site).
# Prints and writes to bench/results/lighthouse.json: performance score, LCP, TBT, time to
# interactive, total bytes transferred, and the accessibility score; the full reports go
# to bench/results/lighthouse-{page}.json.
# Usage: [LABEL=before] [RUNS=3] bench/lighthouse.sh [BASE_URL]
#   (default: starts the release binary with --demo; LABEL names the result files)
# Needs npm's lighthouse (installed into /opt/web-audit on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
slug="${SLUG:-demo}"
runs="${RUNS:-3}"
label="${LABEL:+-$LABEL}"
tools=/opt/web-audit
if ! [ -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools" && (cd "$tools" && npm install --no-audit --no-fund lighthouse axe-core >/dev/null)
fi
base="${1:-}"
source bench/serve-release.sh
mkdir -p bench/results
export CHROME_PATH=/usr/bin/chromium
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"

audit() { # name url
  for i in $(seq 1 "$runs"); do
    "$tools/node_modules/.bin/lighthouse" "$2" --quiet --output=json \
      --output-path="bench/results/lighthouse$label-$1-$i.json" \
      --only-categories=performance,accessibility --chrome-flags="$flags" >/dev/null 2>&1
  done
}
audit help-center "$base/hc/$slug"
audit widget "$base/widget/$slug?locale=ko&host=http%3A%2F%2Fexample.test&page=http%3A%2F%2Fexample.test%2F"

RUNS="$runs" SUFFIX="$label" python3 - <<'EOF'
import json, os, statistics
runs = int(os.environ["RUNS"])
suffix = os.environ["SUFFIX"]
out = {}
for page in ("help-center", "widget"):
    rows = []
    for i in range(1, runs + 1):
        path = f"bench/results/lighthouse{suffix}-{page}-{i}.json"
        r = json.load(open(path))
        a = r["audits"]
        rows.append({
            "performance": round(r["categories"]["performance"]["score"] * 100),
            "accessibility": round(r["categories"]["accessibility"]["score"] * 100),
            "lcp_ms": round(a["largest-contentful-paint"]["numericValue"]),
            "tbt_ms": round(a["total-blocking-time"]["numericValue"]),
            "tti_ms": round(a["interactive"]["numericValue"]),
            "fcp_ms": round(a["first-contentful-paint"]["numericValue"]),
            "transfer_bytes": round(a["total-byte-weight"]["numericValue"]),
        })
        if i < runs:
            os.remove(path)
        else:
            os.replace(path, f"bench/results/lighthouse{suffix}-{page}.json")
    median = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    out[page] = {"median": median, "runs": rows}
    print(f"{page}: performance {median['performance']}, LCP {median['lcp_ms']} ms, "
          f"TBT {median['tbt_ms']} ms, TTI {median['tti_ms']} ms, "
          f"{median['transfer_bytes']} bytes, accessibility {median['accessibility']} "
          f"(median of {runs}, mobile preset)")
json.dump({"preset": "lighthouse mobile (simulated throttling)", "pages": out},
          open(f"bench/results/lighthouse{suffix}.json", "w"), indent=2)
EOF
