#!/usr/bin/env bash
# Stops a throw-away test cluster made by scripts/start-postgres.sh and removes its folder.
#   scripts/stop-postgres.sh [URL | FOLDER]     (default: $KETAPATH_TEST_POSTGRES_URL)
# Only a folder carrying start-postgres.sh's marker is touched; anything else is refused, so the
# machine's own cluster can never be stopped by this script. Stopping twice is harmless.
set -euo pipefail
target="${1:-${KETAPATH_TEST_POSTGRES_URL:-}}"
if [[ -z "$target" ]]; then
  echo "stop-postgres: give the URL start-postgres.sh printed (or its folder)" >&2
  exit 2
fi
if [[ "$target" == postgres://* || "$target" == postgresql://* ]]; then
  # postgresql://user:pass@%2Fsocket%2Fdir:port/db?... : the host is the socket directory.
  host="${target#*://}"
  host="${host#*@}"
  host="${host%%[:/?]*}"
  host="${host//%2F//}"
  host="${host//%2f//}"
  host="${host//%25/%}"
  base="$(dirname "$host")"
else
  base="$target"
fi
if [[ ! -e "$base" ]]; then
  exit 0 # already stopped and removed
fi
if [[ ! -f "$base/ketapath-test-cluster" ]]; then
  echo "stop-postgres: $base is not a cluster made by start-postgres.sh; left alone" >&2
  exit 2
fi
bindir="${KETAPATH_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
if [[ ! -x "$bindir/pg_ctl" ]]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ -f "$base/data/postmaster.pid" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$bindir/pg_ctl" -D "$base/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  elif [[ "$(id -un)" == postgres ]]; then
    "$bindir/pg_ctl" -D "$base/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  else
    sudo -u postgres -- "$bindir/pg_ctl" -D "$base/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
fi
if [[ $(id -u) -eq 0 ]]; then rm -rf -- "$base"; else sudo rm -rf -- "$base"; fi
