#!/usr/bin/env bash
# Builds Ketapath and runs the main job: the ascending-dose SC ketamine study (Glue et al. 2017)
# reproduced in silico, endpoint by endpoint beside the published values.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build/src/cli/ketapath trial glue2017 --replicates 500 --seed 1
