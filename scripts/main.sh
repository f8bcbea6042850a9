#!/usr/bin/env bash
# Builds Ketapath and runs the main job: the ascending-dose SC ketamine study (Glue et al. 2017)
# reproduced in silico, endpoint by endpoint beside the published values.
# Builds only the `ketapath` binary (no tests or benchmarks): a first build takes about 5 minutes
# on 2 cores (ccache makes later ones seconds); scripts/test.sh builds the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ketapath
build/src/cli/ketapath trial glue2017 --replicates 500 --seed 1
