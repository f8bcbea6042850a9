#!/usr/bin/env bash
# Installs dependencies, configures and builds (preset "release" into build/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
