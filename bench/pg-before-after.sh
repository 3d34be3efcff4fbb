#!/usr/bin/env bash
# The PostgreSQL message-writer figures, an older and a newer server binary in one run
# (issue 16's two-round-trip writer): one instance at 2,000 msg/s (latency) and at
# 12,000 msg/s offered (saturation), and two instances with customers split at
# 12,000 msg/s offered.
#
#   bash bench/pg-before-after.sh BEFORE_BIN AFTER_BIN [PG_ADMIN_URL] [LABEL]
#
# PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5433/postgres) must be a cluster
# with fsync on; each run gets a fresh database there. Results:
# bench/results/{LABEL-before,LABEL-after}-chat-*.json. Run nothing else meanwhile.
set -euo pipefail
BEFORE=$1
AFTER=$2
PG=${3:-postgres://postgres@127.0.0.1:5433/postgres}
LABEL=${4:-pg}
B=${BENCH_BIN:-${CARGO_TARGET_DIR:-target}/server-release/bench}
export OC_MASK_KEY=${OC_MASK_KEY:-$(printf '%064d' 7)}

run() { # label bin instances customers agents rate [--split-customers]
  local db="oc_bench_${1//-/_}_$3_$6"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" -c "CHECKPOINT" >/dev/null
  "$B" chat --customers "$4" --agents "$5" --rate "$6" --seconds 10 --no-baselines \
    --database-url "${PG%/*}/$db" --instances "$3" ${7:-} --server-bin "$2" --label "$1"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
}
for side in before after; do
  bin=$BEFORE
  [ "$side" = after ] && bin=$AFTER
  run "$LABEL-$side" "$bin" 1 1000 10 2000
  run "$LABEL-$side" "$bin" 1 2000 20 12000
  run "$LABEL-$side" "$bin" 2 2000 20 12000 --split-customers
done
