#!/usr/bin/env bash
# Pixelgrad's GPU checks, from the bundle that tools/gpu/bundle.sh builds. No JDK or Maven needed.
#   run.sh STEP[,STEP...] [LOGDIR]
# Steps (docs/gpu.md says what each runs and what passing looks like):
#   check      is there a usable GPU? (every run starts with it and stops at once if not)
#   info       nvidia-smi, driver, CUDA, cuBLAS and cuDNN as loaded, pixelgrad devices
#   tests      CudaParityTest, AutocastTest and FcnCudaTest, both implementations of every switchable op
#   memcheck   compute-sanitizer memcheck over the parity tests of our kernels
#   racecheck  compute-sanitizer racecheck over the same
#   train      full-width FCN-8s on the built-in set with --device cuda, memory at every validation
#              (TRAIN_PRECISION=tf32 or bf16 trains at that precision; fp32 otherwise)
#   baseline   GpuBaseline (Pixelgrad) and bench/python/gpu_baseline.py (PyTorch), side by side
#   bench      the JMH CUDA benchmarks, package dev.pixelgrad.bench.cuda (BENCH_PATTERN=regex picks some)
#   all        check,info,tests,memcheck,racecheck,train,baseline
# Every step writes its logs under LOGDIR and a short summary table; the run prints the summaries last.
# PIXELGRAD_CUDA_DEVICE=emulated runs the same steps on the host-emulated device (no GPU, no sanitizer):
# a check of the scripts themselves. cuBLAS and cuDNN are looked for in PIXELGRAD_CUDA_LIBS, else found on
# disk (PyTorch's Python environment keeps them under site-packages/nvidia/*/lib).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
steps="${1:-all}"
logs="${2:-$here/logs}"
mkdir -p "$logs"
device="${PIXELGRAD_CUDA_DEVICE:-gpu}"
java=("$here/jre/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true
      "-Dpixelgrad.cuda.device=$device")
cp="$(ls "$here"/lib/*.jar | paste -sd: -):$here/test-classes/tensor:$here/test-classes/kernels:$here/test-classes/autograd:$here/test-classes/fcn"
junit="$(ls "$here"/junit/junit-platform-console-standalone-*.jar)"
python="${PYTHON:-python3}"
if [ -z "${PIXELGRAD_CUDA_LIBS:-}" ] && [ "$device" = gpu ]; then
  PIXELGRAD_CUDA_LIBS="$(find / \( -name 'libcudnn.so.9' -o -name 'libcublas.so.13' -o -name 'libcublas.so.12' \) \
      -not -path '/proc/*' 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd: -)"
fi
export PIXELGRAD_CUDA_LIBS="${PIXELGRAD_CUDA_LIBS:-}"
# cuDNN 9's loader library opens its parts (cnn, ops, engines) by name: let the dynamic loader see them.
export LD_LIBRARY_PATH="${PIXELGRAD_CUDA_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
summary="$logs/summary-$(date -u +%H%M%S).md"
: > "$summary"

say() { echo "$*" | tee -a "$summary"; }

check() {
  local line
  line="$("${java[@]}" -cp "$cp" dev.pixelgrad.fcn.cli.Main devices 2>&1 | grep '^cuda' | head -n 1)"
  echo "$line" > "$logs/check.log"
  case "$line" in
    "cuda: unavailable: "*|"") echo "run.sh: no usable GPU: ${line#cuda: unavailable: }" | tee -a "$summary"; exit 3 ;;
  esac
  say "## check"; say "| device | $line |"; say ""
}

info() {
  { date -u; nvidia-smi; nvcc --version 2>/dev/null | tail -n 2; echo "PIXELGRAD_CUDA_LIBS=$PIXELGRAD_CUDA_LIBS";
    "${java[@]}" -cp "$cp" dev.pixelgrad.fcn.cli.Main devices; "$python" -c \
    'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())'
  } > "$logs/info.log" 2>&1
  say "## info"
  say "| what | value |"; say "|---|---|"
  say "| date (UTC) | $(head -n 1 "$logs/info.log") |"
  say "| GPU, driver | $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo none) |"
  say "| Pixelgrad sees | $(grep '^cuda' "$logs/info.log" | head -n 1) |"
  say "| PyTorch | $(grep '^torch' "$logs/info.log" | head -n 1) |"
  say ""
}

# Runs JUnit on the given selectors with the given extra JVM flags; reports under $logs/$1.
junit_run() {
  local name="$1"; shift
  local flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  "${java[@]}" "${flags[@]}" -Dpixelgrad.cuda.require=true -jar "$junit" execute --class-path "$cp" "$@" \
      --details=tree --reports-dir "$logs/$name-reports" > "$logs/$name.log" 2>&1
}

# Tests run, passed, failed and skipped per class, from JUnit's XML report.
junit_table() {
  "$python" - "$1" <<'EOF' | tee -a "$summary"
import glob, sys, xml.etree.ElementTree as ET
rows = {}
for f in glob.glob(sys.argv[1] + "/*.xml"):
    for case in ET.parse(f).getroot().iter("testcase"):
        cls = case.get("classname", "?").rsplit(".", 1)[-1]
        r = rows.setdefault(cls, [0, 0, 0, 0, []])
        r[0] += 1
        if case.find("failure") is not None or case.find("error") is not None:
            r[2] += 1
            msg = (case.find("failure") if case.find("failure") is not None else case.find("error")).get("message") or ""
            r[4].append(case.get("name") + ": " + msg.splitlines()[0][:160] if msg else case.get("name"))
        elif case.find("skipped") is not None:
            r[3] += 1
        else:
            r[1] += 1
print("| class | run | passed | failed | skipped |")
print("|---|---|---|---|---|")
for cls, (n, ok, bad, skip, fails) in sorted(rows.items()):
    print(f"| {cls} | {n} | {ok} | {bad} | {skip} |")
for cls, r in sorted(rows.items()):
    for f in r[4]:
        print(f"- failed: {cls}.{f}")
if not rows:
    print("| (no report: the run did not start) | | | | |")
EOF
}

tests() {
  junit_run tests -- --select-class dev.pixelgrad.kernels.cuda.CudaParityTest --select-class dev.pixelgrad.autograd.AutocastTest \
      --select-class dev.pixelgrad.fcn.FcnCudaTest
  say "## tests (skipped = did not run; on a GPU only nothing should be skipped)"
  junit_table "$logs/tests-reports"
  say ""
}

sanitize() {
  local tool="$1"
  say "## $tool"
  if ! command -v compute-sanitizer > /dev/null; then say "compute-sanitizer not found: $tool not run"; say ""; return; fi
  # Our kernels only (the parity tests' vendor cases are skipped): NVIDIA's libraries are not ours to check.
  # SANITIZE_TESTS=name,name... runs only those CudaParityTest methods (to split a run that is too long).
  local select=(--select-class dev.pixelgrad.kernels.cuda.CudaParityTest)
  if [ -n "${SANITIZE_TESTS:-}" ]; then
    select=()
    for m in ${SANITIZE_TESTS//,/ }; do select+=(--select-method "dev.pixelgrad.kernels.cuda.CudaParityTest#$m"); done
    say "(only: $SANITIZE_TESTS)"
  fi
  compute-sanitizer --tool "$tool" --target-processes all --log-file "$logs/$tool.log" \
      "${java[@]}" -Dpixelgrad.cuda.test.impls=own -Dpixelgrad.cuda.require=true -jar "$junit" execute \
      --class-path "$cp" "${select[@]}" --details=tree --reports-dir "$logs/$tool-reports" > "$logs/$tool-junit.log" 2>&1
  say "| compute-sanitizer | $(grep -h 'ERROR SUMMARY' "$logs/$tool.log" 2>/dev/null | tail -n 1 || echo 'no summary: see the log') |"
  junit_table "$logs/$tool-reports"
  say ""
}

train() {
  # Full-width FCN-8s on the built-in set; the log shows device memory at every validation. (On the
  # emulated device a narrow net trains for a few steps: the same code path.)
  local size=(--builtin-size 128 --builtin-train 400 --builtin-val 50 --crop 128 --batch 8 --iterations 300
              --val-every 50 --checkpoint-every 150)
  if [ "$device" = emulated ]; then
    size=(--width 0.0625 --builtin-size 64 --builtin-train 8 --builtin-val 4 --crop 64 --batch 2 --iterations 4
          --val-every 2 --checkpoint-every 4)
  fi
  rm -rf /tmp/pixelgrad-run
  "${java[@]}" -cp "$cp" dev.pixelgrad.fcn.cli.Main train --device cuda --model fcn8s --data builtin \
      --builtin-dir "/tmp/pixelgrad-data-$device" "${size[@]}" --lr 1e-4 --precision "${TRAIN_PRECISION:-fp32}" \
      --output /tmp/pixelgrad-run \
      > "$logs/train.log" 2>&1
  cp /tmp/pixelgrad-run/train.csv /tmp/pixelgrad-run/val.csv "$logs/" 2>/dev/null
  say "## train (precision ${TRAIN_PRECISION:-fp32})"
  if [ -f "$logs/train.csv" ]; then
    "$python" - "$logs/train.csv" <<'EOF' | tee -a "$summary"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rates = [float(r["images_per_second"]) for r in rows[len(rows) // 10:]]  # past the first steps' warm-up
print("| steps | first loss | last loss | images/s (median past the first 10%) |")
print("|---|---|---|---|")
print(f"| {rows[-1]['step']} | {rows[0]['loss']} | {rows[-1]['loss']} | {statistics.median(rates):.1f} |")
EOF
  else
    say "no train.csv: training did not run (see train.log: $(tail -n 1 "$logs/train.log"))"
  fi
  grep -h 'memory:' "$logs/train.log" | sed 's/^ */- /' | tee -a "$summary"
  say ""
}

baseline() {
  local quick=()
  if [ "$device" = emulated ]; then quick=(--quick --min-seconds 0); fi
  "${java[@]}" -cp "$cp" dev.pixelgrad.bench.cuda.GpuBaseline "${quick[@]}" --json "$logs/pixelgrad.json" > "$logs/baseline-pixelgrad.log" 2>&1
  if [ "$device" = emulated ]; then
    "$python" "$here/gpu_baseline.py" --device cpu "${quick[@]}" --json "$logs/pytorch.json" > "$logs/baseline-pytorch.log" 2>&1
  else
    "$python" "$here/gpu_baseline.py" --json "$logs/pytorch.json" > "$logs/baseline-pytorch.log" 2>&1
  fi
  say "## baseline ($(grep -m 1 '^#' "$logs/baseline-pixelgrad.log"); $(grep -m 1 '^#' "$logs/baseline-pytorch.log"))"
  "$python" "$here/compare.py" "$logs/pixelgrad.json" "$logs/pytorch.json" 2>&1 | tee -a "$summary"
  say ""
}

bench() {
  # Every benchmark in dev.pixelgrad.bench.cuda (about 110 cases of 8 s and more: 20-30 minutes), or those
  # BENCH_PATTERN selects, a JMH regular expression such as 'CudaConvBenchmark' or 'Cuda(MaxPool|Relu)'.
  "${java[@]}" -cp "$cp" org.openjdk.jmh.Main "${BENCH_PATTERN:-bench\.cuda\.}" -rf json -rff "$logs/bench-gpu.json" > "$logs/bench-gpu.log" 2>&1
  say "## bench (JMH)"
  grep -E '^(Benchmark|Cuda)' "$logs/bench-gpu.log" | tee -a "$summary"
  say ""
}

[ "$steps" = all ] && steps="check,info,tests,memcheck,racecheck,train,baseline"
case ",$steps," in *,check,*) ;; *) steps="check,$steps" ;; esac
for step in ${steps//,/ }; do
  case "$step" in
    check) check ;;
    info) info ;;
    tests) tests ;;
    memcheck | racecheck) sanitize "$step" ;;
    train) train ;;
    baseline) baseline ;;
    bench) bench ;;
    *) echo "run.sh: unknown step '$step' (check info tests memcheck racecheck train baseline bench all)" >&2; exit 2 ;;
  esac
done
echo
echo "==== summary ($summary)"
cat "$summary"
