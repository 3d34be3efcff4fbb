#!/usr/bin/env bash
# Sets up what is missing (idempotent), builds the release site + server, and runs
# `online-contact serve --demo` on SQLite at http://127.0.0.1:3000.
# Extra arguments go to `serve` (e.g. --addr 0.0.0.0:3000).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:/opt/wasm-tools/node_modules/.bin:$PATH"
bash scripts/install-tools.sh
bash scripts/build-site.sh --release
target="${CARGO_TARGET_DIR:-target}"
exec "$target/server-release/online-contact" serve --demo --site-root target/site "$@"
