#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the tests and prints its URL on stdout; everything
# else goes to stderr. The machine's own cluster is neither needed nor touched.
#
#   export KETAPATH_TEST_POSTGRES_URL="$(scripts/start-postgres.sh)"
#   ... tests ...
#   scripts/stop-postgres.sh "$KETAPATH_TEST_POSTGRES_URL"
#
# Each call makes a new cluster: `initdb` (as the `postgres` user, since initdb refuses root) into
# a fresh temporary folder that user owns, with its own Unix socket directory and a free port, so
# any number of runs can go on at once without colliding. The server listens on its socket only
# (no TCP: a CI sandbox may lack a usable localhost). A role `ketapath` (password-checked) owns a
# UTF-8 database `ketapath_test`; the script signs in exactly as the tests will before printing.
#
# The cluster is stopped and its folder removed by scripts/stop-postgres.sh, and in any case when
# its owner ends: by default the caller's process group (the command line or script that ran
# `$(scripts/start-postgres.sh)`), or `--owner PID`; `--owner none` keeps it until stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# The default owner is the calling shell's process group (the job that ran the command): it
# outlives the `$(...)` subshell this script may run in, and ends with the command line, a
# script or a bash-tool call; the server itself runs in a session of its own.
owner_group="$(ps -o pgid= -p "$PPID" | tr -d ' ')"
owner=""
while (($# > 0)); do
  case "$1" in
  --owner)
    owner="${2:?--owner needs a PID or none}"
    owner_group=""
    shift 2
    ;;
  *)
    echo "start-postgres: unknown argument '$1' (usage: start-postgres.sh [--owner PID|none])" >&2
    exit 2
    ;;
  esac
done

bindir="${KETAPATH_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$bindir/initdb" ]]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "start-postgres: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin;" \
    "run scripts/install-deps.sh" >&2
  exit 1
fi

# Commands run as the postgres user (initdb refuses root).
as_postgres() {
  if [[ "$(id -un)" == postgres ]]; then
    "$@"
  elif [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres -- "$@"
  fi
}
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

base="$(mktemp -d "${TMPDIR:-/tmp}/ketapath-pg.XXXXXXXX")"
# A marker so that stop-postgres.sh only ever removes a folder this script made.
touch "$base/ketapath-test-cluster"
chmod 0755 "$base"
mkdir -m 0755 "$base/socket"
as_root chown -R postgres:postgres "$base"

fail() {
  echo "start-postgres: $1" >&2
  if [[ -f "$base/server.log" ]]; then tail -n 30 "$base/server.log" >&2 || true; fi
  "$here/stop-postgres.sh" "$base" >&2 || true
  exit 1
}

# A port no one listens on (TCP is off, so it only names the socket file; still, keep it free).
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! ss -Hltn "sport = :$candidate" 2>/dev/null | grep -q .; then
    port="$candidate"
    break
  fi
done
[[ -n "$port" ]] || fail "no free port found"

as_postgres "$bindir/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=peer --auth-host=reject >"$base/initdb.log" 2>&1 ||
  { cat "$base/initdb.log" >&2; fail "initdb failed"; }

# The postgres superuser signs in by peer (this script); every other role by password.
as_postgres tee "$base/data/pg_hba.conf" >/dev/null <<'EOF'
local   all   postgres   peer
local   all   all        scram-sha-256
EOF
# A test cluster: no TCP, its own socket directory, and no fsync (the tests kill clients, not
# the server, so they need atomic commits but not power-loss durability).
as_postgres tee -a "$base/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$base/socket'
fsync = off
full_page_writes = off
max_connections = 100
EOF

as_postgres "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 start >&2 ||
  fail "the server did not start"

psql_admin() {
  as_postgres "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$base/socket" -p "$port" -d postgres "$@"
}
# CREATEROLE: the role-separation test makes (and drops) an application role of its own.
psql_admin -c "CREATE ROLE ketapath LOGIN PASSWORD 'ketapath' CREATEDB CREATEROLE" >&2 ||
  fail "cannot create the role"
# The store keeps clinical text in UTF-8.
psql_admin -c "CREATE DATABASE ketapath_test OWNER ketapath ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >&2 ||
  fail "cannot create the database"

# Stop the cluster when its owner ends, even if nobody calls stop-postgres.sh (a killed run).
if [[ "$owner" != none ]]; then
  target="${owner:--$owner_group}" # a PID, or -PGID for a whole process group
  setsid bash -c 'while kill -0 -- "$1" 2>/dev/null && [[ -d "$2" ]]; do sleep 2; done
                  "$3/stop-postgres.sh" "$2"' ketapath-pg-watch "$target" "$base" "$here" \
    </dev/null >/dev/null 2>&1 &
fi

encoded_socket="${base}/socket"
encoded_socket="${encoded_socket//%/%25}"
encoded_socket="${encoded_socket//\//%2F}"
# sslmode=disable: a Unix socket has no TLS, and a PGSSLMODE in the environment must not matter.
url="postgresql://ketapath:ketapath@${encoded_socket}:${port}/ketapath_test?sslmode=disable"

# The check the tests would otherwise make one by one: sign in exactly as they will.
if ! check="$("$bindir/psql" "$url" -X -qtAc "SELECT current_user || ' ' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()" 2>&1)"; then
  fail "cannot sign in as ketapath on ${base}/socket port ${port}: ${check}"
fi
if [[ "$check" != "ketapath UTF8" ]]; then
  fail "expected 'ketapath UTF8', the server answered '${check}'"
fi
echo "start-postgres: cluster in ${base} (socket ${base}/socket, port ${port})" >&2
echo "$url"
