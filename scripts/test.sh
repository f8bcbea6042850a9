#!/usr/bin/env bash
# Builds everything and runs every test: the fast suite first, then the suites labelled "slow"
# (statistical trial targets, MPI, crash tests). Brings PostgreSQL up for the storage contract.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
KETAPATH_TEST_POSTGRES_URL="$(scripts/start-postgres.sh)"
export KETAPATH_TEST_POSTGRES_URL
if [[ -f web/package.json ]]; then
  (cd web && npm ci --no-audit --no-fund && npm test)
fi
ctest --test-dir build --output-on-failure -j "$(nproc)" -LE slow
ctest --test-dir build --output-on-failure -j "$(nproc)" -L slow
