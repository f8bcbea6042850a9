#!/usr/bin/env bash
# Side-by-side: the benchmark workload (shared/reference/benchmark-workload.md) in R deSolve
# (LSODA, derivatives in compiled C) and through Ketapath's user-model path
# (models/user/benchmark_workload.toml: $DES compiled to C++, solver "auto" = Dormand-Prince with
# a switch to CVODE BDF where stiff; also shown: CVODE BDF alone, and "auto" with $DES on
# muparser, KETAPATH_CXX=none), on the SAME subjects file,
# interleaved pair by pair, at the workload's tolerances (relative 1e-6, absolute 1e-9). Each
# side times only its simulation loop with every subject's full hourly profile kept. The
# agreement of the user model with the built-in kernel (and so with deSolve, which
# bench/compare_desolve.sh checks) is a test: tests/usermodel/benchmark_workload_test.cpp.
# Second part: the same workload on the batch kernel, built in against a user model with
# structure = "ketamine_batch" (models/user/benchmark_workload_batch.toml: the user's $PK per
# subject, the kernel's structure), `ketapath population benchmark` with and without
# --model-file, 100,000 subjects on one thread, interleaved (the two give identical endpoints:
# tests/usermodel/batch_source_test.cpp).
# Usage: bench/compare_usermodel.sh [SUBJECTS (100)] [PAIRS (3)] [SEED (1)]
# Environment: BUILD_DIR (default build). Run it on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100}
pairs=${2:-3}
seed=${3:-1}
build=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KETAPATH_CACHE_DIR="$work/cache"  # the compiled $DES, built before any timing starts
cmake --build "$build" --target population_desolve_compare usermodel_compare ketapath -j2 >/dev/null
cp "$root/bench/desolve/ketamine_desolve.c" "$work/"
(cd "$work" && R CMD SHLIB -o ketamine_desolve.so ketamine_desolve.c >/dev/null)
"$build/bench/population/population_desolve_compare" write-subjects "$n" "$seed" "$work/all.csv"
echo "deSolve $(Rscript -e 'cat(as.character(packageVersion("deSolve")))') LSODA vs Ketapath" \
  "user model, rtol 1e-6 atol 1e-9, $n subjects, seed $seed; load: $(uptime)"
printf '%-5s %12s %12s %8s %12s %14s\n' pair "deSolve s/s" "auto s/s" ratio "bdf s/s" \
  "auto-mu s/s"
cpu() { sed -n 's/.*user_cpu_s=\([0-9.]*\).*/\1/p'; }
for p in $(seq 1 "$pairs"); do
  r=$(Rscript "$root/bench/desolve/run_desolve.R" "$work/all.csv" "$work/ketamine_desolve.so" \
    "$n" 0 -)
  r_cpu=$(sed -n 's/.*ode_cpu_s=\([0-9.]*\).*/\1/p' <<<"$r")
  u_cpu=$("$build/bench/usermodel/usermodel_compare" time "$work/all.csv" "$n" auto | cpu)
  b_cpu=$("$build/bench/usermodel/usermodel_compare" time "$work/all.csv" "$n" bdf | cpu)
  m_cpu=$(KETAPATH_CXX=none "$build/bench/usermodel/usermodel_compare" time "$work/all.csv" "$n" \
    auto | cpu)
  awk -v p="$p" -v n="$n" -v r="$r_cpu" -v u="$u_cpu" -v b="$b_cpu" -v m="$m_cpu" \
    'BEGIN { printf "%-5d %12.0f %12.0f %7.2fx %12.0f %14.0f\n", p, n / r, n / u, r / u, n / b, n / m }'
done
echo "load after: $(uptime)"

echo
echo "batch kernel, 100000 subjects, 1 thread: built-in benchmark model vs user model (ketamine_batch)"
printf '%-5s %14s %14s %12s\n' pair "built-in s/s" "user model s/s" "time ratio"
rate() { sed -n 's/.* \([0-9]*\) subjects\/s.*/\1/p'; }
for p in $(seq 1 "$pairs"); do
  b=$("$build/src/cli/ketapath" population benchmark --subjects 100000 --threads 1 --seed "$seed" \
    2>&1 >/dev/null | rate)
  u=$("$build/src/cli/ketapath" population benchmark --subjects 100000 --threads 1 --seed "$seed" \
    --model-file "$root/models/user/benchmark_workload_batch.toml" 2>&1 >/dev/null | rate)
  awk -v p="$p" -v b="$b" -v u="$u" 'BEGIN { printf "%-5d %14.0f %14.0f %7.2fx\n", p, b, u, b / u }'
done
echo "load after: $(uptime)"
