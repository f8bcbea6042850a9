#!/usr/bin/env bash
# Builds everything and runs every test: the fast suite first (including the replay of the
# committed fuzz corpora, label "fuzz"), then the suites labelled "slow" (statistical trial
# targets, MPI, crash tests), then the AddressSanitizer + UBSan build (preset `sanitize`) of core,
# io and clinic with their tests, and the fuzz corpora under it. Starts a throw-away
# PostgreSQL cluster of its own for the storage tests (scripts/start-postgres.sh) and stops it at
# the end, also on failure. The R and Python bindings are built, installed under build/ and tested
# after the slow suite. Prints each stage's wall time at the end (docs/ci.md has the table).
# KETAPATH_SANITIZE=0 skips the sanitizer stages (a quicker local run; CI runs them).
set -euo pipefail
cd "$(dirname "$0")/.."

stage_names=()
stage_seconds=()
print_stages() {
  local total=0
  echo "=== stage times (wall clock) ===" >&2
  for i in "${!stage_names[@]}"; do
    printf '  %-28s %4d:%02d\n' "${stage_names[$i]}" $((stage_seconds[i] / 60)) \
      $((stage_seconds[i] % 60)) >&2
    total=$((total + stage_seconds[i]))
  done
  printf '  %-28s %4d:%02d\n' "total" $((total / 60)) $((total % 60)) >&2
}
on_exit() {
  if [[ -n "${KETAPATH_TEST_POSTGRES_URL:-}" ]]; then
    scripts/stop-postgres.sh "$KETAPATH_TEST_POSTGRES_URL" || true
  fi
  print_stages
}
trap on_exit EXIT
# stage NAME COMMAND...: runs the command and records its wall time (also when it fails).
stage() {
  local name="$1" start=$SECONDS status=0
  shift
  echo "=== stage: $name ===" >&2
  "$@" || status=$?
  stage_names+=("$name")
  stage_seconds+=($((SECONDS - start)))
  return "$status"
}

stage build scripts/build.sh
stage "module boundaries" scripts/check-boundaries.sh
stage "cli function length" scripts/check-function-length.py --max 80 src/cli
# User models compile their $DES into a cache (src/usermodel/native_des.h): the tests' own, under
# build/, never the user's ~/.cache.
export KETAPATH_CACHE_DIR="$PWD/build/test-cache"
KETAPATH_TEST_POSTGRES_URL="$(scripts/start-postgres.sh --owner $$)"
export KETAPATH_TEST_POSTGRES_URL
if [[ -f web/package.json ]]; then
  stage "web tests" bash -c 'cd web && npm ci --no-audit --no-fund && npm test'
fi
# The FHIR validator (official R4 JSON schema + FHIRPath, tests/fhir): its own self-test here;
# the clinic CLI tests then run it on real exports, so it is installed before them.
stage "fhir validator" bash -c 'cd tests/fhir && npm ci --no-audit --no-fund && npm test'
# On failure the failing tests run once more, alone, so that their messages end the log (a CI
# page often shows only its tail). The run still fails.
run_ctest() {
  local dir="$1"
  shift
  if ! ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" "$@"; then
    echo "=== the failing tests once more, with their output ===" >&2
    ctest --test-dir "$dir" --rerun-failed --output-on-failure 2>&1 | tail -n 200 >&2 || true
    return 1
  fi
}
stage "fast tests + fuzz replay" run_ctest build -LE slow
stage "slow tests" run_ctest build -L slow
# The R and Python bindings (bindings/, README "From R and Python"): the Python package into a
# venv under build/ (pip, offline, Debian's numpy and pandas) and the R package into an R library
# under build/, each tested against the `ketapath` command (same numbers, same messages).
bindings_tests() {
  cmake --build --preset release -j "$(nproc)" --target ketapath_python_venv ketapath_r
  PYTHONDONTWRITEBYTECODE=1 build/bindings/python/venv/bin/python -m pytest -q \
    -p no:cacheprovider bindings/python/tests
  R_LIBS=build/bindings/R/library Rscript bindings/R/ketapath/tests/test-ketapath.R
}
stage "bindings (R, Python)" bindings_tests
# The server tests' responses against src/server/openapi.json with ajv (npm), when node is here.
openapi_check() {
  local recorded
  recorded="$(mktemp)"
  KETAPATH_RECORD_RESPONSES="$recorded" build/tests/server/server_tests >/dev/null
  (cd tests/server/openapi-check && npm ci --no-audit --no-fund >/dev/null)
  node tests/server/openapi-check/check.mjs src/server/openapi.json "$recorded"
  rm -f "$recorded"
}
if command -v node >/dev/null && command -v npm >/dev/null && [[ -x build/tests/server/server_tests ]]; then
  stage "openapi responses (ajv)" openapi_check
fi

# The sanitizer stages cover core, io, clinic and store with their tests, and every fuzz corpus
# (the issue allows a subset when the whole tree does not fit CI's budget; docs/ci.md).
sanitize_tests=(tests/core/core_tests tests/io/io_nmtran_tests tests/io/io_model_file_tests
  tests/io/io_design_file_tests tests/clinic/clinic_tests tests/store/store_tests)
if [[ "${KETAPATH_SANITIZE:-1}" == 1 ]]; then
  sanitize_build() {
    cmake --preset sanitize >/dev/null
    local targets=()
    for test in "${sanitize_tests[@]}"; do
      targets+=(--target "$(basename "$test")")
    done
    for corpus in tests/fuzz/corpus/*/; do
      targets+=(--target "fuzz_$(basename "$corpus")_replay")
    done
    cmake --build --preset sanitize -j "$(nproc)" "${targets[@]}"
  }
  sanitize_run() {
    local failed=0
    for test in "${sanitize_tests[@]}"; do
      (cd build-sanitize && "./$test" --gtest_brief=1) || failed=1
    done
    return "$failed"
  }
  stage "sanitizer build" sanitize_build
  # ASan aborts on the first error; UBSan too (-fno-sanitize-recover); LeakSanitizer is on.
  export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  stage "sanitizer tests" sanitize_run
  stage "sanitizer fuzz replay" run_ctest build-sanitize -L fuzz
fi
