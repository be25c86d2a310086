#!/usr/bin/env bash
# Installs a hakoc build tree into a temporary prefix (the same
# `cmake --install` that `make install PREFIX=...` runs) and checks that the
# installed hakoc builds and links a program from an unrelated directory,
# finding libreml_runtime.a through the installed layout alone.
#
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hako-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL install: $*"
  echo "0 passed, 1 failed"
  exit 1
}

prefix=$tmp/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" 2>&1 || fail "cmake --install: $(tail -3 "$tmp/install.log")"
for f in bin/hakoc lib/libreml_runtime.a include/reml_runtime.h; do
  [ -f "$prefix/$f" ] || fail "$f was not installed"
done

# Another directory, and a copy of the program: nothing may come from the
# source or build tree.
work=$tmp/elsewhere
mkdir "$work"
cp "$source_dir/examples/hello.hako" "$work/"
cd "$work"
"$prefix/bin/hakoc" build hello.hako -o x >"$tmp/build.log" 2>&1 || fail "installed hakoc build: $(cat "$tmp/build.log")"
out=$(./x Grace) || fail "./x exited with status $?"
want=$'Hello, Hako!\nHello, Grace!'
[ "$out" = "$want" ] || fail "./x printed '$out', expected '$want'"

# The cross-built runtimes are installed per target and found from there:
# an AArch64 executable runs under qemu when the emulator is installed.
aarch64=aarch64-unknown-linux-gnu
if [ -f "$build_dir/runtime/$aarch64/libreml_runtime.a" ]; then
  [ -f "$prefix/lib/hako/$aarch64/libreml_runtime.a" ] || fail "lib/hako/$aarch64/libreml_runtime.a was not installed"
  "$prefix/bin/hakoc" build --target $aarch64 hello.hako -o xa >"$tmp/build.log" 2>&1 ||
    fail "installed hakoc build --target $aarch64: $(cat "$tmp/build.log")"
  if command -v qemu-aarch64 >/dev/null && [ -d /usr/aarch64-linux-gnu/lib ]; then
    out=$(qemu-aarch64 -L /usr/aarch64-linux-gnu ./xa Grace) || fail "qemu-aarch64 ./xa exited with status $?"
    [ "$out" = "$want" ] || fail "./xa printed '$out', expected '$want'"
  fi
fi

# The header is usable on its own: a C program against the installed runtime.
cat >use_header.c <<'C'
#include <reml_runtime.h>
int main(void) { return reml_exit_status_of(reml_box_i64(300)) == 44 ? 0 : 1; }
C
# shellcheck disable=SC2086 # HAKO_CC may carry flags, as for hakoc build
cc=${HAKO_CC:-$(command -v clang-19 || command -v cc)}
$cc -I"$prefix/include" use_header.c "$prefix/lib/libreml_runtime.a" -lm -o use_header >"$tmp/cc.log" 2>&1 ||
  fail "compiling against the installed header: $(cat "$tmp/cc.log")"
./use_header || fail "the installed runtime gave the wrong exit status for 300"

echo "1 passed, 0 failed"
