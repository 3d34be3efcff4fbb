#!/usr/bin/env bash
# Issue 16's before/after sequence in one run: history at 1,000,000 chats, chat load on
# SQLite and on a durable PostgreSQL, each with an older and a newer server binary.
#
#   bash bench/before-after.sh BEFORE_BIN AFTER_BIN [PG_ADMIN_URL]
#
# Both binaries are `server-release` builds; the bench binary is
# $CARGO_TARGET_DIR/server-release/bench. The history database is generated on the
# first run (minutes) and migrated by the newer binary, so the older one runs first.
# PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5433/postgres) must be a cluster
# with fsync on; each run gets a fresh database there. Results: bench/results/
# {before16,after16}-*.json. Run nothing else meanwhile: the figures are CPU-bound.
set -euo pipefail
BEFORE=$1
AFTER=$2
PG=${3:-postgres://postgres@127.0.0.1:5433/postgres}
B=${CARGO_TARGET_DIR:-target}/server-release/bench
export OC_MASK_KEY=${OC_MASK_KEY:-$(printf '%064d' 7)}

$B history --chats 1000000 --runs 30 --export-rows 100000 --server-bin "$BEFORE" --label before16
$B history --chats 1000000 --runs 30 --export-rows 100000 --server-bin "$AFTER" --label after16
for pair in "before16 $BEFORE" "after16 $AFTER"; do
  set -- $pair
  $B chat --customers 1000 --agents 10 --rate 2000 --seconds 10 --server-bin "$2" --label "$1"
  $B chat --customers 5000 --agents 20 --rate 20000 --seconds 10 --server-bin "$2" --label "$1"
done
pg() { # label bin instances customers agents rate [--split-customers]
  local db="oc_bench_$1_$3_$6"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" -c "CHECKPOINT" >/dev/null
  $B chat --customers "$4" --agents "$5" --rate "$6" --seconds 10 --no-baselines \
    --database-url "${PG%/*}/$db" --instances "$3" ${7:-} --server-bin "$2" --label "$1"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
}
pg before16 "$BEFORE" 1 1000 10 2000
pg after16 "$AFTER" 1 1000 10 2000
pg before16 "$BEFORE" 1 2000 20 8000
pg after16 "$AFTER" 1 2000 20 8000
pg before16 "$BEFORE" 2 2000 20 8000 --split-customers
pg after16 "$AFTER" 2 2000 20 8000 --split-customers
pg after16 "$AFTER" 1 2000 20 12000
pg after16 "$AFTER" 2 2000 20 12000 --split-customers
