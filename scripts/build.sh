#!/usr/bin/env bash
# Installs dependencies, configures and builds (preset "release" into build/).
# With arguments, builds only those targets (scripts/main.sh builds just the `ketapath` binary);
# without, builds everything, tests and benchmarks included (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
targets=()
for target in "$@"; do
  targets+=(--target "$target")
done
cmake --build --preset release -j "$(nproc)" "${targets[@]}"
