# Sourced by the page benchmarks (widget-size.sh, lighthouse.sh): when `base` is empty,
# starts the release binary with --demo on a free port and a temp database, serving
# $LEPTOS_SITE_ROOT (default target/site), sets `base` to its address and stops it when
# the calling script exits.
if [ -z "${base:-}" ]; then
  target="${CARGO_TARGET_DIR:-target}"
  bin="$target/server-release/online-contact"
  [ -x "$bin" ] || { echo "build first: bash scripts/build-site.sh --release" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  tmp=$(mktemp -d)
  "$bin" serve --demo --addr "127.0.0.1:$port" --database-url "sqlite://$tmp/oc.db" \
    --site-root "${LEPTOS_SITE_ROOT:-target/site}" >"$tmp/log" 2>&1 &
  started=$!
  trap 'kill $started 2>/dev/null; rm -rf "$tmp"' EXIT
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
fi
