#!/usr/bin/env bash
# Issue 32: a column is read by name only in the engine's store (engine/src/store/),
# where each row struct and each JSON column's decoding live once. Fails, naming the
# lines, when a string-keyed read (`try_get("…")` or `try_get::<T, _>("…")`) appears
# anywhere else in the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
found=$(grep -rnE 'try_get(::<[^(]*>)?\("' engine/src | grep -v '^engine/src/store/' || true)
if [ -n "$found" ]; then
  echo "string-keyed row reads outside engine/src/store/ (move them into a store module):" >&2
  echo "$found" >&2
  exit 1
fi
echo "store check: every string-keyed row read is in engine/src/store/"
