#!/usr/bin/env bash
# Fails when a module includes a header of a module it does not link, or breaks a never-rule
# (the engine includes no storage, server or SQL header; nothing includes the front ends).
# Reads the target graph CMake writes for the configured build (build/ unless given).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
mkdir -p "$build/graph"
cmake --graphviz="$build/graph/targets.dot" "$build" >/dev/null
python3 scripts/check-boundaries.py --src src --graph "$build/graph/targets.dot"
