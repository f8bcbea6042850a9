#!/usr/bin/env bash
# Side-by-side: the benchmark workload (shared/reference/benchmark-workload.md) in R deSolve
# (LSODA, derivatives in compiled C per deSolve's "compiledCode" vignette) and in Ketapath's batch
# kernel, on the same subjects. Builds what it needs, checks agreement, prints the table.
# Usage: bench/compare_desolve.sh [DESOLVE_SUBJECTS (100)] [KETAPATH_SUBJECTS (20000)] [SEED (1)]
# Environment: BUILD_DIR (default build-bench), JOBS (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
desolve_n=${1:-100}
ketapath_n=${2:-20000}
seed=${3:-1}
build=${BUILD_DIR:-$root/build-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ ! -f $build/build.ninja && ! -f $build/Makefile ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target population_desolve_compare -j"${JOBS:-2}" >/dev/null
tool=$build/bench/population/population_desolve_compare

cp "$root/bench/desolve/ketamine_desolve.c" "$work/"
(cd "$work" && R CMD SHLIB -o ketamine_desolve.so ketamine_desolve.c >/dev/null)

"$tool" write-subjects "$desolve_n" "$seed" "$work/subjects.csv"
line=$(Rscript "$root/bench/desolve/run_desolve.R" "$work/subjects.csv" \
  "$work/ketamine_desolve.so" "$work/desolve.csv")
cpu=$(sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")
echo "load before: $(uptime)"
"$tool" compare "$seed" "$work/desolve.csv" "$desolve_n" "$cpu" "$ketapath_n"
echo "load after: $(uptime)"
