#!/usr/bin/env bash
# Issue 32: the engine's tables are read and written only in its store
# (engine/src/store/), where each row struct, each statement and each JSON column's
# decoding live once. Fails, naming the lines, when
# - a column is read by name (`try_get("…")` or `try_get::<T, _>("…")`) anywhere else
#   in the engine, or
# - a statement (a string starting SELECT, INSERT, UPDATE, DELETE or WITH) is written
#   in a domain module. Allowed outside store/: the database layer itself (db/: its
#   transactions, locks, pragmas and migrations), the backup of the database file
#   (backup.rs), and tests (everything after a file's first `#[cfg(test)]`).
set -euo pipefail
cd "$(dirname "$0")/.."
found=$(grep -rnE 'try_get(::<[^(]*>)?\("' engine/src | grep -v '^engine/src/store/' || true)
if [ -n "$found" ]; then
  echo "string-keyed row reads outside engine/src/store/ (move them into a store module):" >&2
  echo "$found" >&2
  exit 1
fi
statements=$(
  find engine/src -name '*.rs' -not -path 'engine/src/store/*' -not -path 'engine/src/db/*' \
    -not -path 'engine/src/backup.rs' | sort | while read -r f; do
    awk -v f="$f" '
      /#\[cfg\(test\)\]/ { exit }
      # a string that starts with a statement, or starts on the line before ("\n  SELECT …)
      /"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH)[[:space:]]/ ||
      (prev ~ /"$/ && /^[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH)[[:space:]]/) {
        print f ":" FNR ": " $0
      }
      { prev = $0 }' "$f"
  done
)
if [ -n "$statements" ]; then
  echo "statements outside engine/src/store/ (move them into a store module):" >&2
  echo "$statements" >&2
  exit 1
fi
echo "store check: every string-keyed row read and every statement is in engine/src/store/"
