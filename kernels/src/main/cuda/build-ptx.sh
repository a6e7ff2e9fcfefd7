#!/usr/bin/env bash
# Compiles each kernels/src/main/cuda/*.cu to PTX under
# kernels/src/main/resources/dev/pixelgrad/kernels/cuda/ptx/, which is committed so that users without
# nvcc get the kernels. A PTX file's first line records the SHA-256 of its sources (common.cuh, then the
# .cu file); a file is recompiled only when that changes. Without nvcc this checks nothing and says so
# (PtxFreshnessTest still catches stale PTX by the recorded hash).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../resources/dev/pixelgrad/kernels/cuda/ptx"
# PTX for Turing and newer (compute_75), which the driver compiles for the GPU at hand (sm_90 on H100/H200);
# a file that needs newer instructions names its target on a line "// pixelgrad-ptx-arch: compute_NN".
default_arch="compute_75"
mkdir -p "$out"
if ! command -v nvcc >/dev/null 2>&1; then
  echo "build-ptx: nvcc not found; using the committed PTX"
  exit 0
fi
for cu in "$here"/*.cu; do
  name="$(basename "$cu" .cu)"
  ptx="$out/$name.ptx"
  hash="$(cat "$here/common.cuh" "$cu" | sha256sum | cut -d' ' -f1)"
  if [ -f "$ptx" ] && [ "$(head -n 1 "$ptx")" = "// pixelgrad-source-sha256: $hash" ]; then
    continue
  fi
  arch="$(sed -n 's|^// pixelgrad-ptx-arch: \(compute_[0-9]*\).*|\1|p' "$cu" | head -n 1)"
  arch="${arch:-$default_arch}"
  echo "build-ptx: nvcc -ptx -arch=$arch $name.cu"
  nvcc -ptx -arch="$arch" -O3 -o "$ptx.tmp" "$cu"
  { echo "// pixelgrad-source-sha256: $hash"; cat "$ptx.tmp"; } > "$ptx"
  rm -f "$ptx.tmp"
done
