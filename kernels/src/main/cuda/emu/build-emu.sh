#!/usr/bin/env bash
# Compiles CUDA kernel sources for the host-emulated device (cuda_emu.h, runtime.cpp) into one shared
# library that EmulatedDriver loads with java.lang.foreign.
#   build-emu.sh OUTPUT.so release|sanitized [CU_DIR]
# release: -O2, packaged in the kernels jar. sanitized: AddressSanitizer and UBSan, for the tests.
# CU_DIR (default: the kernel sources next to this folder) lets the tests build deliberately broken
# copies of kernels the same way. Every kernel is registered by name from its
# `extern "C" __global__ void NAME(` line. Rebuilds only when an input or a flag changed. Without g++
# it builds nothing and says so (the emulated device then reports itself unavailable, with the reason).
set -euo pipefail
emu="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
flavour="$2"
cu_dir="$(cd "${3:-$emu/..}" && pwd)"
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build-emu: $cxx not found; the emulated CUDA device is not built"
  exit 0
fi
case "$flavour" in
  release) flags=(-O2) ;;
  sanitized) flags=(-O2 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer) ;;
  *) echo "build-emu: flavour must be release or sanitized, got '$flavour'" >&2; exit 2 ;;
esac
# Hardware FMA where this CPU has it: the kernels call fmaf, which is slow in software.
if grep -qw fma /proc/cpuinfo 2>/dev/null; then flags+=(-mfma); fi
flags+=(-std=c++17 -fPIC -pthread -Wall -Wno-sign-compare -Wno-unused-function -Wno-unknown-pragmas)

sources=("$emu/cuda_emu.h" "$emu/registry.h" "$emu/runtime.cpp" "$cu_dir"/*.cu)
[ -f "$cu_dir/common.cuh" ] && sources+=("$cu_dir/common.cuh")
stamp="$( { echo "$cxx ${flags[*]}"; cat "${sources[@]}"; } | sha256sum | cut -d' ' -f1)"
if [ -f "$out" ] && [ "$(cat "$out.sha256" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
objects=()
for cu in "$cu_dir"/*.cu; do
  module="$(basename "$cu" .cu)"
  {
    echo "#include \"$cu\""
    echo '#include "registry.h"'
    grep -oE 'extern "C" __global__ void (__launch_bounds__\([^)]*\) )?[A-Za-z_][A-Za-z0-9_]*\(' "$cu" \
      | sed -E 's/.* ([A-Za-z_][A-Za-z0-9_]*)\($/EMU_KERNEL(\1)/'
  } > "$work/$module.cpp"
  "$cxx" "${flags[@]}" -include "$emu/cuda_emu.h" -I "$emu" -I "$cu_dir" -c "$work/$module.cpp" -o "$work/$module.o" &
  objects+=("$work/$module.o")
done
"$cxx" "${flags[@]}" -I "$emu" -c "$emu/runtime.cpp" -o "$work/runtime.o" &
for job in $(jobs -p); do wait "$job"; done
mkdir -p "$(dirname "$out")"
# -Bsymbolic: calls inside the library stay inside it, so two builds (say, the real kernels and
# deliberately broken ones) can be loaded into one process side by side.
"$cxx" "${flags[@]}" -shared -Wl,-Bsymbolic -o "$out.tmp" "$work/runtime.o" "${objects[@]}"
mv "$out.tmp" "$out"
echo "$stamp" > "$out.sha256"
if [ "$flavour" = sanitized ]; then
  # The sanitizer runtime, next to the library, for the LD_PRELOAD that a JVM loading it needs.
  ln -sf "$("$cxx" -print-file-name=libasan.so)" "$(dirname "$out")/libasan.so"
fi
echo "build-emu: $flavour $(basename "$out") from $(ls "$cu_dir"/*.cu | wc -l) kernel files"
