#!/usr/bin/env bash
# Builds driver.c against the kernel's own lib/xarray.c, once per chunk shift,
# into a cache directory outside the repository (no kernel file is committed).
#
# The kernel tree is Debian's linux-source package (apt-get install
# linux-source-6.1 liburcu-dev; see the README's set-up). Debian 12 ships 6.1
# only (a 6.1.y stable tree with Debian's backports); the port follows v6.6,
# whose lib/xarray.c is close to it in the functions the port models
# (xas_store, xas_create, xas_create_range, xas_descend, __xas_next/prev);
# the differences are in xas_split and the mark and find paths, which the
# port does not have. XARRAY_KERNEL_TARBALL overrides the tarball.
#
# Usage: build.sh [cache-dir]   prints the directory holding driver-S<s>.
# Exit status 2 with a one-line message when the package or a tool is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${1:-$here/../../node_modules/.cache/xarray-kernel}"
shifts="${XARRAY_KERNEL_SHIFTS:-1 2 3 4 6}"

tarball="${XARRAY_KERNEL_TARBALL:-}"
if [ -z "$tarball" ]; then
  tarball="$(ls /usr/src/linux-source-6.1.tar.xz /usr/src/linux-source-*.tar.xz 2>/dev/null | head -n 1 || true)"
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
  echo "xarray-kernel: no /usr/src/linux-source-*.tar.xz (apt-get install linux-source-6.1)" >&2
  exit 2
fi
if ! echo "#include <urcu.h>" | cc -E -x c - >/dev/null 2>&1; then
  echo "xarray-kernel: liburcu headers missing (apt-get install liburcu-dev)" >&2
  exit 2
fi
command -v cc >/dev/null || { echo "xarray-kernel: no C compiler (cc)" >&2; exit 2; }

mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
name="$(basename "$tarball" .tar.xz)"
src="$cache/$name"
if [ ! -f "$src/.extracted" ]; then
  rm -rf "$src"
  mkdir -p "$cache/tmp.$$"
  tar -xJf "$tarball" -C "$cache/tmp.$$" --wildcards \
    "$name/lib/xarray.c" "$name/lib/radix-tree.c" "$name/lib/test_xarray.c" \
    "$name/include/*" \
    "$name/tools/testing/radix-tree/*" "$name/tools/include/*" "$name/tools/lib/*"
  mv "$cache/tmp.$$/$name" "$src"
  rm -rf "$cache/tmp.$$"
  touch "$src/.extracted"
fi

rt="$src/tools/testing/radix-tree"
stamp="$(cat "$here/driver.c" "$here/build.sh" | sha256sum | cut -c1-16)"
for s in $shifts; do
  out="$cache/build-S$s"
  if [ -x "$out/driver-S$s" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    continue
  fi
  rm -rf "$out"
  mkdir -p "$out/generated"
  # tools/testing/radix-tree's Makefile: generated/map-shift.h from SHIFT=, bit-length.h.
  echo "#define XA_CHUNK_SHIFT $s" >"$out/generated/map-shift.h"
  echo "#define CONFIG_64BIT 1" >"$out/generated/bit-length.h"
  cp "$out/generated/bit-length.h" "$out/bit-length.h"
  # The harness's copy of lib/radix-tree.c (its Makefile's sed), for the node cache.
  sed -e 's/^static //' -e 's/__always_inline //' -e 's/inline //' \
    <"$src/lib/radix-tree.c" >"$out/radix-tree.c"
  flags=(-I"$out" -I"$rt" -I"$src/tools/include" -g -O1 -w -D_LGPL_SOURCE)
  # driver.c includes ../../../lib/xarray.c relative to the harness directory.
  cp "$here/driver.c" "$rt/driver-S$s.c"
  cc "${flags[@]}" -c "$rt/driver-S$s.c" -o "$out/driver.o"
  rm -f "$rt/driver-S$s.c"
  cc "${flags[@]}" -c "$out/radix-tree.c" -o "$out/radix-tree.o"
  objs=("$out/driver.o" "$out/radix-tree.o")
  # The harness's other shims: its slab (linux.c), bitmap.c and tools/lib's slab.c, find_bit.c.
  for f in "$rt/linux.c" "$src/tools/lib/slab.c" "$src/tools/lib/find_bit.c" "$rt/bitmap.c"; do
    o="$out/$(basename "$f" .c).o"
    cc "${flags[@]}" -c "$f" -o "$o"
    objs+=("$o")
  done
  cc -o "$out/driver-S$s" "${objs[@]}" -lpthread -lurcu
  echo "$stamp" >"$out/stamp"
done
echo "$cache"
