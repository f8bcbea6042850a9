#!/usr/bin/env bash
# Thread scaling of the batch engine (issue 17: 2 threads at least 1.8x one thread on a quiet
# machine): `ketapath population benchmark` on 1 and 2 threads in interleaved pairs, each pair's
# ratio of subjects per second (wall clock, the figure a user waits on) and the median over pairs.
# The 1-minute load average is printed before and after: read the pairs, not only the median, on a
# shared virtual machine.
# Usage: bench/compare_threads.sh [SUBJECTS (300000)] [PAIRS (5)] [THREADS (2)]
# Environment: BUILD_DIR (default build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
subjects=${1:-300000}
pairs=${2:-5}
threads=${3:-2}
tool=${BUILD_DIR:-$root/build}/src/cli/ketapath
[[ -x $tool ]] || { echo "compare_threads: build $tool first (scripts/build.sh ketapath)" >&2; exit 2; }
rate() {  # subjects per second of one run (its "population: ..." line is on stderr)
  "$tool" population benchmark --subjects "$subjects" --threads "$1" 2>&1 >/dev/null |
    sed -n 's/.* \([0-9]*\) subjects\/s .*/\1/p'
}
echo "load before: $(uptime)"
printf '%-5s %14s %14s %8s\n' pair "1 thread s/s" "$threads threads" ratio
ratios=()
for p in $(seq 1 "$pairs"); do
  one=$(rate 1)
  many=$(rate "$threads")
  if [[ -z $one || -z $many ]]; then
    echo "compare_threads: no \"N subjects/s\" line from $tool population benchmark" >&2
    exit 1
  fi
  ratio=$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.3f", a / b }')
  printf '%-5d %14d %14d %7sx\n' "$p" "$one" "$many" "$ratio"
  ratios+=("$ratio")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END {
  print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
echo "median ratio, $threads threads / 1 thread: ${median}x"
echo "load after: $(uptime)"
