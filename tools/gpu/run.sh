#!/usr/bin/env bash
# Pixelgrad's GPU checks, from the bundle that tools/gpu/bundle.sh builds. No JDK or Maven needed.
#   run.sh info|tests|sanitize|bench|train|all [OUTDIR]
# cuBLAS and cuDNN are looked for in PIXELGRAD_CUDA_LIBS, else found on disk (PyTorch's Python
# environment keeps them under site-packages/nvidia/*/lib).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
what="${1:-all}"
out="${2:-$here/out}"
mkdir -p "$out"
java=("$here/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true
      -Dpixelgrad.cuda.device=gpu)
cp="$(ls "$here"/lib/*.jar | paste -sd: -):$here/test-classes/tensor:$here/test-classes/kernels:$here/test-classes/fcn"
junit="$(ls "$here"/junit/junit-platform-console-standalone-*.jar)"
if [ -z "${PIXELGRAD_CUDA_LIBS:-}" ]; then
  PIXELGRAD_CUDA_LIBS="$(find / \( -name 'libcudnn.so.9' -o -name 'libcublas.so.13' -o -name 'libcublas.so.12' \) \
      -not -path '/proc/*' 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd: -)"
  export PIXELGRAD_CUDA_LIBS
fi
# cuDNN 9's loader library opens its parts (cnn, ops, engines) by name: let the dynamic loader see them.
export LD_LIBRARY_PATH="${PIXELGRAD_CUDA_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

gpu_tests=(--select-class dev.pixelgrad.kernels.cuda.CudaParityTest --select-class dev.pixelgrad.fcn.FcnCudaTest)

info() {
  { date -u; nvidia-smi; nvcc --version 2>/dev/null | tail -n 2; echo "PIXELGRAD_CUDA_LIBS=$PIXELGRAD_CUDA_LIBS";
    "${java[@]}" -cp "$cp" dev.pixelgrad.fcn.cli.Main devices; } 2>&1 | tee "$out/info.log"
}

tests() {
  "${java[@]}" -jar "$junit" execute --class-path "$cp" "${gpu_tests[@]}" --details=tree \
      --reports-dir "$out/test-reports" 2>&1 | tee "$out/tests.log"
  # Without a usable GPU the tests are skipped, not failed: say plainly whether they ran.
  local ok aborted
  ok="$(sed -n 's/.* \([0-9]*\) tests successful.*/\1/p' "$out/tests.log" | tail -n 1)"
  aborted="$(sed -n 's/.* \([0-9]*\) tests aborted.*/\1/p' "$out/tests.log" | tail -n 1)"
  echo "GPU tests: ${ok:-0} passed, ${aborted:-0} skipped (skipped means the GPU backend did not start)" | tee -a "$out/tests.log"
}

sanitize() {
  for tool in memcheck racecheck; do
    compute-sanitizer --tool "$tool" --target-processes all --log-file "$out/$tool.log" \
        "${java[@]}" -jar "$junit" execute --class-path "$cp" --select-class dev.pixelgrad.kernels.cuda.CudaParityTest \
        --details=summary > "$out/$tool-junit.log" 2>&1
    tail -n 3 "$out/$tool.log"
  done
}

bench() {
  "${java[@]}" -cp "$cp" org.openjdk.jmh.Main 'Cuda.*' -rf json -rff "$out/bench-gpu.json" 2>&1 | tee "$out/bench-gpu.log" \
      | grep -E '^(Benchmark|Cuda)'
}

train() {
  # Full-width FCN-8s on the built-in set, on the GPU; the log shows device memory at every validation.
  "${java[@]}" -cp "$cp" dev.pixelgrad.fcn.cli.Main train --device cuda --model fcn8s --data builtin \
      --builtin-dir /tmp/pixelgrad-data --builtin-size 128 --builtin-train 400 --builtin-val 50 --crop 128 \
      --batch 8 --iterations 300 --val-every 50 --checkpoint-every 150 --lr 1e-4 --output /tmp/pixelgrad-run \
      2>&1 | tee "$out/train.log"
  cp /tmp/pixelgrad-run/train.csv /tmp/pixelgrad-run/val.csv "$out/" 2>/dev/null
}

case "$what" in
  info) info ;;
  tests) tests ;;
  sanitize) sanitize ;;
  bench) bench ;;
  train) train ;;
  all) info; tests; sanitize; bench; train ;;
  *) echo "usage: run.sh info|tests|sanitize|bench|train|all [OUTDIR]" >&2; exit 2 ;;
esac
