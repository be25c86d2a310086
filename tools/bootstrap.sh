#!/usr/bin/env bash
# Installs the Debian packages hakoc needs to build, test and benchmark.
# Idempotent: when every package is present it only checks and returns.
set -euo pipefail

packages=(
  build-essential cmake ninja-build python3
  libgtest-dev libgmock-dev libbenchmark-dev
  llvm-19-dev clang-19 lld-19 libzstd-dev
  valgrind
  libffi-dev python3-jsonschema
  # the VM's reference interpreter in `make bench` (bench/run_bench.py)
  lua5.4
  # the other platforms (docs/platforms.md): C libraries to link against,
  # the targets' gcc for the ABI tests, and the emulators that run the tests
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  gcc-mingw-w64-x86-64-win32 wine64
  # Float printing (runtime/src/float_digits.cpp): Dragonbox, and the C++
  # library headers of the other targets to compile it for them
  libdragonbox-dev libstdc++-12-dev-arm64-cross g++-mingw-w64-x86-64-win32
  # display widths of characters for diagnostic carets (src/diag/excerpt.cpp)
  libutf8proc-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
