#!/usr/bin/env bash
# Load bench of `ketapath serve` (issue 11 "Load"): a demo clinic on SQLite, the server on
# loopback, wrk for a bounded time per mix, 2 threads x 16 connections, signed in.
#   bench/server/run.sh [BUILD_DIR] [SECONDS_PER_MIX] [PATIENTS]   (defaults: build 10 50)
# Prints wrk's report (requests/s, latency p50/p75/p90/p99, errors) for the read mix (work list,
# chart, response) and the write mix (ratings, weights). Run it under `nice` on a quiet machine
# and record the load average with the figures (docs/performance.md "Server").
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
seconds="${2:-10}"
patients="${3:-50}"
bin="$build/src/cli/ketapath"
[[ -x "$bin" ]] || { echo "run.sh: $bin not built" >&2; exit 2; }
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
dir="$(mktemp -d /tmp/ketapath-bench-server.XXXXXX)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
db="sqlite:$dir/clinic.db"
password="bench passphrase 2026"
clinic() { "$bin" clinic --db "$db" --user bench.admin "$@"; }
clinic init >/dev/null
clinic user add bench.admin --role admin >/dev/null
clinic demo --patients "$patients" --seed 1 >/dev/null
clinic user add bench.nurse --role nurse --role prescriber >/dev/null
setup_token() {
  clinic --json user reset-password "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["setup_token"])'
}
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --db "$db" --listen "127.0.0.1:$port" >"$dir/serve.out" 2>"$dir/serve.log" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
# The first setup token of a database must be an admin's; the nurse's comes after.
for user in bench.admin bench.nurse; do
  token="$(setup_token "$user")"
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"token\":\"$token\",\"password\":\"$password\"}" "$base/api/v1/auth/setup"
done
signed="$(curl -sf -D "$dir/headers" -H 'Content-Type: application/json' \
  -d "{\"user\":\"bench.nurse\",\"password\":\"$password\"}" "$base/api/v1/auth/sign-in")"
export BENCH_COOKIE="$(grep -i '^set-cookie:' "$dir/headers" | sed -E 's/^[^:]+: *([^;]+).*/\1/')"
export BENCH_CSRF="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$signed")"
export BENCH_PATIENTS="$patients"
echo "=== load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(nproc) cores, $patients demo patients, SQLite ==="
echo "=== read mix (work list, chart, response), ${seconds}s, 2 threads x 16 connections ==="
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/server/read_mix.lua "$base"
echo "=== write mix (ratings, weights), ${seconds}s, 2 threads x 16 connections ==="
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/server/write_mix.lua "$base"
echo "=== audit verify after the run ==="
clinic audit verify | tail -n 3
