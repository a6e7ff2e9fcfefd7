#!/usr/bin/env bash
# Pixelgrad's JMH CPU benchmarks and PyTorch on the same cases, one right after the other, then one
# Markdown table of both (op, shape, Pixelgrad ms, PyTorch ms, ratio) under a header naming the machine,
# the JDK, JMH and PyTorch versions, the settings and the date. docs/benchmarks.md has a table it made.
#
#   tools/bench/side_by_side.sh [options] [PATTERN] [-- JMH_ARGS...]
#
# PATTERN         JMH's regular expression over the benchmark names; default 'bench\.cpu\.' (every CPU
#                 benchmark). The PyTorch side times exactly the cases and parameter values JMH ran.
# --results DIR   where the run's files go; default runs/side-by-side-<UTC time> in the repository
#                 (runs/ is git-ignored): jmh.json, jmh.log, pytorch.json, pytorch.log and the table
# --table FILE    the Markdown table; default DIR/side-by-side.md
# --long          the benchmarks' own settings (JMH: 3 warm-up and 5 measured iterations of 2 s; PyTorch:
#                 at least 2 s of runs after 3 warm-ups) rather than the short ones (JMH: 1 fork, 4 warm-up
#                 and 3 measured iterations of 1 s; PyTorch: at least 1 s of runs after 3 warm-ups)
# --python PATH   the Python that has torch; default /usr/bin/python3 (Debian's python3-torch)
# Anything after -- goes to JMH as it is, e.g. -- -p shape=512x88x88 (both sides then use that value).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

pattern='bench\.cpu\.'
results=""
table=""
long=false
python=/usr/bin/python3
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --results) results="$2"; shift 2 ;;
    --table) table="$2"; shift 2 ;;
    --long) long=true; shift ;;
    --python) python="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "side_by_side.sh: unknown option '$1' (--results DIR, --table FILE, --long, --python PATH, -- JMH_ARGS)" >&2; exit 2 ;;
    *) pattern="$1"; shift ;;
  esac
done
results="${results:-$root/runs/side-by-side-$(date -u +%Y%m%d-%H%M%S)}"
table="${table:-$results/side-by-side.md}"
mkdir -p "$results"

if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "side_by_side.sh: $python cannot import torch (on Debian: apt-get install python3-torch; or pass --python)" >&2
  exit 1
fi

if $long; then
  jmh_settings=()
  torch_settings=(--min-time 2 --warmup 3)
else
  # Fewer than 4 s of warm-up leaves some ops half compiled on a busy 2-core machine.
  jmh_settings=(-f 1 -wi 4 -w 1s -i 3 -r 1s)
  torch_settings=(--min-time 1 --warmup 3)
fi

echo "side_by_side.sh: JMH '$pattern', then PyTorch, then the table; files in $results" >&2
rm -f "$results/jmh.json"
"$root/pixelgrad" bench "$pattern" "${jmh_settings[@]}" "${extra[@]}" -rf json -rff "$results/jmh.json" 2>&1 \
  | tee "$results/jmh.log"
if [ ! -s "$results/jmh.json" ] || [ "$(tr -d ' \n' < "$results/jmh.json")" = "[]" ]; then
  echo "side_by_side.sh: JMH produced no results (see $results/jmh.log)" >&2
  exit 1
fi
"$python" "$root/bench/python/cpu_bench.py" --from-jmh "$results/jmh.json" --json "$results/pytorch.json" \
  "${torch_settings[@]}" 2>&1 | tee "$results/pytorch.log"
"$root/pixelgrad" bench-table "$results/jmh.json" "$results/pytorch.json" "$table"
echo
cat "$table"
echo
echo "side_by_side.sh: table in $table" >&2
