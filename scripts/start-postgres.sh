#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 cluster (no systemd needed) and makes a test role and database.
# Prints the connection URL on stdout. Idempotent.
set -euo pipefail
version=15
if ! pg_lsclusters -h 2>/dev/null | grep -q "^${version} main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^${version} main .* online"; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q" 2>/dev/null; then break; fi
  sleep 0.5
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='ketapath'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE ketapath LOGIN PASSWORD 'ketapath' CREATEDB\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='ketapath_test'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE DATABASE ketapath_test OWNER ketapath\""
echo "postgresql://ketapath:ketapath@127.0.0.1:5432/ketapath_test"
