#!/usr/bin/env bash
# Compiles CUDA kernel sources for the host-emulated device (cuda_emu.h, runtime.cpp) into one shared
# library that EmulatedDriver loads with java.lang.foreign.
#   build-emu.sh OUTPUT.so release|sanitized [CU_DIR]
# release: -O2, packaged in the kernels jar. sanitized: AddressSanitizer and UBSan, for the tests (where
# the sanitizers cannot link, the release flavour is built in its place, and the script says so).
# CU_DIR (default: the kernel sources next to this folder) lets the tests build deliberately broken
# copies of kernels the same way. Every kernel is registered by name from its `extern "C" __global__
# void NAME(` declaration. Rebuilds only when an input or a flag changed. Where the device cannot be
# built (no g++, not Linux on x86-64 or AArch64) it builds nothing and says so: the emulated device then
# reports itself unavailable, with the reason. EMU_OBJECT_CACHE=DIR keeps compiled objects by the hash of
# what went into them, so builds that differ in one file (the tests' broken kernels) recompile only it.
set -euo pipefail
emu="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
library="$1"
flavour="$2"
cu_dir="$(cd "${3:-$emu/..}" && pwd)"
cxx="${CXX:-g++}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-aarch64) ;;
  *) echo "build-emu: the emulated CUDA device is built on Linux x86-64 and AArch64 only; not built here"; exit 0 ;;
esac
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build-emu: $cxx not found; the emulated CUDA device is not built"
  exit 0
fi
common=(-std=c++17 -fPIC -pthread -Wall -Wno-sign-compare -Wno-unused-function -Wno-unknown-pragmas)
# Hardware FMA where this CPU has it: the kernels call fmaf, and as a library call it costs a spill of
# every register at each multiply-add (the SGEMM runs 3.5 times slower). A build with it refuses to load
# on a CPU without it (pg_emu_unsupported_cpu).
if [ "$(uname -m)" = x86_64 ] && grep -qw fma /proc/cpuinfo 2>/dev/null; then common+=(-mfma); fi
sanitizers=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
case "$flavour" in
  release) flags=(-O2 "${common[@]}") ;;
  sanitized)
    if echo 'int main() { return 0; }' | "$cxx" -x c++ "${sanitizers[@]}" -o /dev/null - >/dev/null 2>&1; then
      flags=(-O2 -g "${sanitizers[@]}" "${common[@]}")
    else
      echo "build-emu: $cxx cannot link AddressSanitizer and UBSan here; building the tests' device without them"
      flavour=release
      flags=(-O2 "${common[@]}")
    fi
    ;;
  *) echo "build-emu: flavour must be release or sanitized, got '$flavour'" >&2; exit 2 ;;
esac

sources=("${BASH_SOURCE[0]}" "$emu/cuda_emu.h" "$emu/registry.h" "$emu/runtime.cpp" "$cu_dir"/*.cu)
[ -f "$cu_dir/common.cuh" ] && sources+=("$cu_dir/common.cuh")
stamp="$( { echo "$cxx ${flags[*]}"; cat "${sources[@]}"; } | sha256sum | cut -d' ' -f1)"
if [ -f "$library" ] && [ "$(cat "$library.sha256" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
objects=()
cache="${EMU_OBJECT_CACHE:-}"
[ -n "$cache" ] && mkdir -p "$cache"
shared=("$emu/cuda_emu.h" "$emu/registry.h")
for h in "$cu_dir"/*.cuh; do if [ -f "$h" ]; then shared+=("$h"); fi; done
compiler_id="$("$cxx" --version | head -n 1)"
# compile OBJECT FILE... -- ARGS: the compiler on ARGS, or the cached object of the same flags and FILEs.
compile() {
  local object="$1" files=() key
  shift
  while [ "$1" != "--" ]; do files+=("$1"); shift; done
  shift
  key="$( { echo "$compiler_id ${flags[*]}"; cat "${files[@]}"; } | sha256sum | cut -d' ' -f1)"
  if [ -n "$cache" ] && [ -f "$cache/$key.o" ]; then cp "$cache/$key.o" "$object"; return; fi
  "$cxx" "${flags[@]}" "$@" -o "$object"
  if [ -n "$cache" ]; then cp "$object" "$cache/$key.o.$$" && mv "$cache/$key.o.$$" "$cache/$key.o"; fi
}
for cu in "$cu_dir"/*.cu; do
  module="$(basename "$cu" .cu)"
  {
    echo "#include \"$(basename "$cu")\""
    echo '#include "registry.h"'
    # Declarations may span lines: read the file as one line.
    tr '\n' ' ' < "$cu" \
      | grep -oE 'extern[[:space:]]+"C"[[:space:]]+__global__[[:space:]]+void[[:space:]]+(__launch_bounds__[[:space:]]*\([^)]*\)[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(' \
      | sed -E 's/^.*[[:space:]]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\($/EMU_KERNEL(\1)/' || true
  } > "$work/$module.cpp"
  compile "$work/$module.o" "$work/$module.cpp" "$cu" "${shared[@]}" -- \
      -include "$emu/cuda_emu.h" -I "$emu" -I "$cu_dir" -c "$work/$module.cpp" &
  objects+=("$work/$module.o")
done
compile "$work/runtime.o" "$emu/runtime.cpp" "${shared[@]}" -- -I "$emu" -c "$emu/runtime.cpp" &
for job in $(jobs -p); do wait "$job"; done
mkdir -p "$(dirname "$library")"
# -Bsymbolic: calls inside the library stay inside it, so two builds (say, the real kernels and
# deliberately broken ones) can be loaded into one process side by side.
"$cxx" "${flags[@]}" -shared -Wl,-Bsymbolic -o "$library.tmp" "$work/runtime.o" "${objects[@]}"
mv "$library.tmp" "$library"
echo "$stamp" > "$library.sha256"
if [ "$flavour" = sanitized ]; then
  # The sanitizer runtime, next to the library, for the LD_PRELOAD that a JVM loading it needs.
  asan="$("$cxx" -print-file-name=libasan.so)"
  if [ -f "$asan" ]; then ln -sf "$asan" "$(dirname "$library")/libasan.so"; fi
fi
echo "build-emu: $flavour $(basename "$library") from $(ls "$cu_dir"/*.cu | wc -l) kernel files"
