#!/usr/bin/env bash
# Makes sure a PostgreSQL server is there for the tests, and prints the admin URL the
# test harness creates its throwaway databases with.
#
# When a server on 127.0.0.1:5432 lets us in (as `postgres`, or as OC_TEST_PG_URL says)
# it is used as is. Otherwise a private cluster is created from Debian's packages under
# $OC_PG_DIR (default /var/tmp/online-contact-pg), owned by the `postgres` user (the
# server refuses to run as root), trust authentication on loopback only, and fsync off:
# it holds nothing but test databases. It listens on 5432, or on 55432 when 5432 is taken
# by a server that refuses us (a distribution cluster with password authentication).
set -euo pipefail
PGDIR="${OC_PG_DIR:-/var/tmp/online-contact-pg}"
URL="${OC_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
usable() { psql "$1" -qtAc 'SELECT 1' >/dev/null 2>&1; }

if listening 5432 && usable "$URL"; then
  echo "$URL"
  exit 0
fi
PORT=5432
if listening 5432; then
  PORT=55432
  URL="postgres://postgres@127.0.0.1:$PORT/postgres"
  if listening "$PORT" && usable "$URL"; then
    echo "$URL"
    exit 0
  fi
fi

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$BIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
init_cluster() {
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
  as_pg "$BIN/initdb" -D "$PGDIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
}
start_cluster() {
  as_pg "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null
}
[ -f "$PGDIR/PG_VERSION" ] || init_cluster
if ! as_pg "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
  # a cluster left unusable (say, killed mid-write with fsync off) holds only test
  # databases: make it anew
  start_cluster || { init_cluster && start_cluster; }
fi
for _ in $(seq 1 50); do usable "$URL" && break; sleep 0.2; done
usable "$URL" || { echo "PostgreSQL did not start; see $PGDIR/server.log" >&2; exit 1; }
echo "$URL"
