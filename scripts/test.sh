#!/usr/bin/env bash
# Builds everything and runs every test: the fast suite first, then the suites labelled "slow"
# (statistical trial targets, MPI, crash tests). Starts a throw-away PostgreSQL cluster of its own
# for the storage tests (scripts/start-postgres.sh) and stops it at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
scripts/check-boundaries.sh
KETAPATH_TEST_POSTGRES_URL="$(scripts/start-postgres.sh --owner $$)"
export KETAPATH_TEST_POSTGRES_URL
trap 'scripts/stop-postgres.sh "$KETAPATH_TEST_POSTGRES_URL"' EXIT
if [[ -f web/package.json ]]; then
  (cd web && npm ci --no-audit --no-fund && npm test)
fi
# On failure the failing tests run once more, alone, so that their messages end the log (a CI
# page often shows only its tail). The run still fails.
run_ctest() {
  if ! ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"; then
    echo "=== the failing tests once more, with their output ===" >&2
    ctest --test-dir build --rerun-failed --output-on-failure 2>&1 | tail -n 200 >&2 || true
    return 1
  fi
}
run_ctest -LE slow
run_ctest -L slow
