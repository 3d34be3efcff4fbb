#!/usr/bin/env bash
# Installs, idempotently, what building and running Online Contact needs on a fresh
# Debian machine of this kind (offline except the package registries):
#   * the wasm32-unknown-unknown target,
#   * wasm-opt from npm's binaryen (Debian's v108 corrupts wasm-bindgen 0.2.130 output),
#   * cargo-leptos 0.3.11 (patched lock: cargo-util-schemas 0.14.1 builds on rustc 1.95),
#   * wasm-bindgen-cli of exactly the version locked in Cargo.lock,
#   * brotli (Debian package) for the precompressed copies of the bundles (issue 17).
# With `--test` it also installs chromium + chromedriver for the browser tests, and
# PostgreSQL + nginx for the PostgreSQL and two-instance tests.
# Every step is skipped when the right version is already there, so warm runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[install]\033[0m %s\n' "$*"; }

WANT_TEST=0
[ "${1:-}" = "--test" ] && WANT_TEST=1

export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! [ -x /opt/wasm-tools/node_modules/.bin/wasm-opt ]; then
  log "installing wasm-opt (npm binaryen@132)"
  mkdir -p /opt/wasm-tools
  (cd /opt/wasm-tools && npm install --no-audit --no-fund binaryen@132 >/dev/null)
fi

registry_src() { ls -d "$HOME"/.cargo/registry/src/index.crates.io-*/"$1" 2>/dev/null | head -n1; }

if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.11'; then
  # An unoptimised build (issue 17): about 5 minutes on 2 cores instead of 13. What
  # cargo-leptos does itself (run cargo, wasm-bindgen and wasm-opt, minify a 60 KB
  # script) costs a few seconds more per build that way (measured: 69 s against 62 s
  # for a release site's bindgen, opt and minify steps).
  log "installing cargo-leptos 0.3.11 (about 5 minutes on 2 cores)"
  cargo install cargo-leptos --version 0.3.11 --locked --debug --features no_downloads >/dev/null 2>&1 || true
  if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.11'; then
    src=$(registry_src cargo-leptos-0.3.11)
    [ -n "$src" ] || { cargo fetch --manifest-path /dev/null 2>/dev/null || true; }
    rm -rf /tmp/cargo-leptos-src && cp -r "$src" /tmp/cargo-leptos-src
    (cd /tmp/cargo-leptos-src && cargo update -p cargo-util-schemas --precise 0.14.1 \
      && cargo install --path . --locked --debug --features no_downloads)
  fi
fi

WBG=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WBG=${WBG:-0.2.130}
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG"; then
  log "installing wasm-bindgen-cli $WBG"
  cargo install wasm-bindgen-cli --version "$WBG" --locked >/dev/null 2>&1 || true
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG"; then
    src=$(registry_src "wasm-bindgen-cli-$WBG")
    rm -rf /tmp/wbg-src && cp -r "$src" /tmp/wbg-src
    (cd /tmp/wbg-src && cargo update -p webpki-roots --precise 1.0.10 && cargo install --path . --locked)
  fi
fi

if ! command -v brotli >/dev/null; then
  log "installing brotli (Debian package)"
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y brotli >/dev/null || log "brotli unavailable: gzip copies only"
fi

if [ "$WANT_TEST" = 1 ]; then
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    log "installing chromium, chromedriver and Korean fonts (Debian packages)"
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-cjk >/dev/null
  fi
  # schemathesis: the API against its OpenAPI document (issue 30, scripts/contract-check.sh)
  if ! python3 -c 'import schemathesis, sys; sys.exit(schemathesis.__version__ != "4.32.5")' 2>/dev/null; then
    log "installing schemathesis 4.32.5 (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
  # axe-core: the browser tests check every screen they look at (issue 17)
  if ! [ -f /opt/web-audit/node_modules/axe-core/axe.min.js ]; then
    log "installing axe-core (npm)"
    mkdir -p /opt/web-audit
    (cd /opt/web-audit && npm install --no-audit --no-fund axe-core >/dev/null)
  fi
  # PostgreSQL (the integration suite runs on it too) and nginx (the two-instance test).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v nginx >/dev/null; then
    log "installing postgresql and nginx (Debian packages)"
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql postgresql-contrib nginx-light >/dev/null \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql nginx >/dev/null
  fi
fi
log "tools ready"
