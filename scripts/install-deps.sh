#!/usr/bin/env bash
# Installs every Debian 12 package Ketapath needs to build, test, fuzz (clang-16 with libFuzzer:
# the `fuzz` preset, tests/fuzz) and benchmark, and the R and Python bindings (bindings/: Rcpp,
# pybind11, numpy, pandas, pytest, venv; Debian's own, as Debian 12 refuses system-wide pip).
# Idempotent: it installs only what is missing, so a second run costs a few dpkg queries.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates python3
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev
  libeigen3-dev libboost-dev libsundials-dev librandom123-dev libnlopt-dev libmuparser-dev
  libhdf5-dev libopenmpi-dev openmpi-bin
  libsqlite3-dev sqlite3 libsodium-dev libpq-dev postgresql
  libcpp-httplib-dev libssl-dev wrk
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  r-base-core r-cran-desolve
  r-base-dev r-cran-rcpp
  pybind11-dev python3-dev python3-venv python3-setuptools python3-wheel
  python3-numpy python3-pandas python3-pytest
  chromium
  clang-16 libclang-rt-16-dev libomp-16-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
