#!/usr/bin/env bash
# Makes sure a PostgreSQL server listens on 127.0.0.1:5432 for the tests, and prints the
# admin URL the test harness creates its throwaway databases with.
#
# When something already listens there it is used as is (set OC_TEST_PG_URL if it needs
# a password). Otherwise a private cluster is created from Debian's packages under
# $OC_PG_DIR (default /var/tmp/online-contact-pg), owned by the `postgres` user (the
# server refuses to run as root), trust authentication on loopback only, and fsync off:
# it holds nothing but test databases that are dropped after each test.
set -euo pipefail
PGDIR="${OC_PG_DIR:-/var/tmp/online-contact-pg}"
URL="${OC_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

listening() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

if ! listening; then
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$BIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if ! [ -f "$PGDIR/PG_VERSION" ]; then
    mkdir -p "$PGDIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
    as_pg "$BIN/initdb" -D "$PGDIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p 5432 -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" >/dev/null
fi
for _ in $(seq 1 50); do listening && break; sleep 0.2; done
listening || { echo "PostgreSQL did not start; see $PGDIR/server.log" >&2; exit 1; }
echo "$URL"
