#!/usr/bin/env bash
# Side-by-side: the benchmark workload (shared/reference/benchmark-workload.md) in R deSolve
# (LSODA, derivatives in compiled C per deSolve's "compiledCode" vignette) and in Ketapath's batch
# kernel, on the SAME subjects file, interleaved: pair p runs deSolve, then Ketapath, and the
# ratio of their subjects per CPU-second is printed per pair with the median over pairs.
# Each side times only its simulation: R times its loop of ode() calls (not R start-up, reading
# the file or building data frames); Ketapath times simulate_subjects (the runner's path, in
# chunks of 64) with every subject's full hourly time course kept in memory, then again with
# endpoints only. Agreement is checked first.
# Usage: bench/compare_desolve.sh [DESOLVE_SUBJECTS (100)] [KETAPATH_SUBJECTS (4000)] [PAIRS (5)]
#                                 [SEED (1)] [HMAX (0: no step limit; deSolve's default is the
#                                 largest output gap)]
# Environment: BUILD_DIR (default build-bench), JOBS (default 2). Run it on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
desolve_n=${1:-100}
ketapath_n=${2:-4000}
pairs=${3:-5}
seed=${4:-1}
hmax=${5:-0}
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

# One subjects file; deSolve takes its first DESOLVE_SUBJECTS rows, Ketapath all of them.
rows=$((desolve_n > ketapath_n ? desolve_n : ketapath_n))
"$tool" write-subjects "$rows" "$seed" "$work/all.csv"
head -n $((ketapath_n + 1)) "$work/all.csv" >"$work/ketapath.csv"

echo "deSolve $(Rscript -e 'cat(as.character(packageVersion("deSolve")))'), LSODA rtol 1e-6" \
  "atol 1e-9 hmax $hmax; $desolve_n deSolve subjects, $ketapath_n Ketapath subjects, seed $seed"
Rscript "$root/bench/desolve/run_desolve.R" "$work/all.csv" "$work/ketamine_desolve.so" \
  "$desolve_n" "$hmax" "$work/desolve.csv" >/dev/null
"$tool" agree "$work/all.csv" "$work/desolve.csv" "$desolve_n"
echo "load before: $(uptime)"
printf '\n%-5s %12s %14s %14s %10s %10s\n' pair "deSolve s/s" "Ketapath s/s" "(endpoints)" \
  ratio "(endp.)"
ratios=()
endpoint_ratios=()
for p in $(seq 1 "$pairs"); do
  r=$(Rscript "$root/bench/desolve/run_desolve.R" "$work/all.csv" "$work/ketamine_desolve.so" \
    "$desolve_n" "$hmax" -)
  k=$("$tool" time "$work/ketapath.csv")
  r_cpu=$(sed -n 's/.*ode_cpu_s=\([0-9.]*\).*/\1/p' <<<"$r")
  k_cpu=$(sed -n 's/.*profiles_cpu_s=\([0-9.]*\).*/\1/p' <<<"$k")
  e_cpu=$(sed -n 's/.*endpoints_cpu_s=\([0-9.]*\).*/\1/p' <<<"$k")
  read -r rr kr er < <(awk -v rn="$desolve_n" -v rc="$r_cpu" -v kn="$ketapath_n" -v kc="$k_cpu" \
    -v ec="$e_cpu" 'BEGIN { printf "%f %f %f\n", rn / rc, kn / kc, kn / ec }')
  ratio=$(awk -v a="$kr" -v b="$rr" 'BEGIN { printf "%f", a / b }')
  endpoint_ratio=$(awk -v a="$er" -v b="$rr" 'BEGIN { printf "%f", a / b }')
  printf '%-5d %12.0f %14.0f %14.0f %9.0fx %9.0fx\n' "$p" "$rr" "$kr" "$er" "$ratio" \
    "$endpoint_ratio"
  ratios+=("$ratio")
  endpoint_ratios+=("$endpoint_ratio")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
  print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
printf '\nmedian ratio Ketapath / deSolve per CPU-second: full time courses %.0fx, endpoints only %.0fx\n' \
  "$(median "${ratios[@]}")" "$(median "${endpoint_ratios[@]}")"
echo "load after: $(uptime)"
"$tool" limit "$work/ketapath.csv"
