#!/usr/bin/env bash
# Long coverage-guided fuzzing of every parser (tests/fuzz/README.md). Builds the `fuzz` preset
# (clang-16, libFuzzer, ASan + UBSan), runs each harness for MINUTES under `nice -n 19` starting
# from its committed corpus, and writes a results table (executions, coverage, corpus size,
# findings) to out/fuzz/results.md. Findings (crash-*, timeout-*, oom-*, leak-*) are kept in
# out/fuzz/<harness>/. With -u the new inputs that reach new coverage are added to the committed
# corpora (libFuzzer -merge=1 into a copy of them), ready to commit.
#
#   scripts/fuzz-long.sh                      # every harness, 10 minutes each, one at a time
#   scripts/fuzz-long.sh -m 1 -j 2 nmtran     # one minute of nmtran, two at a time
#   scripts/fuzz-long.sh -k -m 2              # keep going after a finding (libFuzzer fork mode)
#   scripts/fuzz-long.sh -n ...                # use build-fuzz/ as it is (no rebuild)
#
# A hang is an input that takes longer than 5 s (-timeout=5); memory is capped at 2 GB per input.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
parallel=1
update=0
keep_going=0
build=1
while getopts "m:j:ukn" option; do
  case "$option" in
    m) minutes="$OPTARG" ;;
    j) parallel="$OPTARG" ;;
    u) update=1 ;;
    k) keep_going=1 ;;
    n) build=0 ;;
    *) echo "usage: $0 [-m MINUTES] [-j PARALLEL] [-u] [-k] [-n] [HARNESS...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for dir in tests/fuzz/corpus/*/; do
    harnesses+=("$(basename "$dir")")
  done
fi

if ((build)); then
  cmake --preset fuzz >/dev/null
  nice -n 19 cmake --build --preset fuzz -j 2 >/dev/null
fi
# Readable stack traces when an LLVM symbolizer is installed (the `llvm` package); optional.
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]]; then
  for symbolizer in llvm-symbolizer-16 llvm-symbolizer; do
    if command -v "$symbolizer" >/dev/null; then
      export ASAN_SYMBOLIZER_PATH="$(command -v "$symbolizer")"
      break
    fi
  done
fi

out=out/fuzz
mkdir -p "$out"

run_one() {
  local name="$1" dir="$out/$1"
  if [[ ! -x "build-fuzz/tests/fuzz/fuzz_$name" ]]; then
    # server_bodies needs the server and store, which the fuzz preset does not build; its corpus
    # is replayed by ctest (and under ASan in the sanitize stage) instead.
    echo "fuzz-long: $name has no libFuzzer build here, skipped" >&2
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir/corpus"
  local mode=()
  if ((keep_going)); then
    mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  # The committed corpus is read-only here: new inputs go to $dir/corpus.
  nice -n 19 "build-fuzz/tests/fuzz/fuzz_$name" "${mode[@]}" \
    -max_total_time=$((minutes * 60)) -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$dir/" \
    "$dir/corpus" "tests/fuzz/corpus/$name" >"$dir/log" 2>&1 || true
  echo "fuzz-long: $name done" >&2
}
export -f run_one
export out minutes keep_going

printf '%s\n' "${harnesses[@]}" | xargs -P "$parallel" -I{} bash -c 'run_one "$@"' _ {}

{
  echo "| harness | minutes | executions | exec/s | coverage (edges) | features | corpus (committed + new) | findings |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for name in "${harnesses[@]}"; do
    dir="$out/$name"
    executions=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}' || true)
    if [[ -z "$executions" ]]; then  # fork mode prints no final stats: its last status line
      executions=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#' || true)
    fi
    rate=$(grep -o 'stat::average_exec_per_sec: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}' || true)
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}' || true)
    ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | awk '{print $2}' || true)
    committed=$(find "tests/fuzz/corpus/$name" -type f | wc -l)
    new=$(find "$dir/corpus" -type f | wc -l)
    findings=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) | wc -l)
    echo "| $name | $minutes | ${executions:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | $committed + $new | $findings |"
  done
} >"$out/results.md"
cat "$out/results.md"

if ((update)); then
  for name in "${harnesses[@]}"; do
    merged="$out/$name/merged"
    # The committed inputs stay; only new inputs that add coverage are copied in.
    rm -rf "$merged" && cp -r "tests/fuzz/corpus/$name" "$merged"
    nice -n 19 "build-fuzz/tests/fuzz/fuzz_$name" -merge=1 -timeout=5 -rss_limit_mb=2048 \
      -max_len=8192 "$merged" "$out/$name/corpus" >"$out/$name/merge.log" 2>&1
    rm -rf "tests/fuzz/corpus/$name"
    mv "$merged" "tests/fuzz/corpus/$name"
    echo "fuzz-long: tests/fuzz/corpus/$name now holds $(find "tests/fuzz/corpus/$name" -type f | wc -l) inputs" >&2
  done
fi

# Non-zero when anything was found, so a caller (or a release checklist) can stop on it.
! grep -q '| [1-9][0-9]* |$' "$out/results.md"
