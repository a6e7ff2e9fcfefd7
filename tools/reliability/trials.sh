#!/usr/bin/env bash
# The reliability figures of docs/reliability.md, measured on this machine through the CLI:
#   tools/reliability/trials.sh kill N LOGDIR      N runs killed (SIGKILL) at a random moment, then resumed
#   tools/reliability/trials.sh term N LOGDIR      N runs stopped with SIGTERM, then resumed
#   tools/reliability/trials.sh resume-kill N LOGDIR   N resumes killed while they start, then resumed again
#   tools/reliability/trials.sh soak STEPS LOGDIR  one long run: heap after GC, RSS, threads, fds near its start and end
#   tools/reliability/trials.sh options LOGDIR     the bad-option table: exit code, time, message
# Every trial trains the same small FCN-8s (width 1/32, 96x96 crops, 40 steps, a checkpoint every 10) on
# the built-in set (about 14 s uninterrupted on a 2-core machine, so the signals land from start-up to
# the last steps), and must end with the per-step losses and the final checkpoint of an uninterrupted
# run, bit for bit. Prints a Markdown table; logs go to LOGDIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pg="$root/pixelgrad"
what="${1:?usage: trials.sh kill|term|resume-kill|soak|options [N] LOGDIR}"
if [ "$what" = options ]; then logs="${2:?LOGDIR}"; n=0; else n="${2:?N}"; logs="${3:?LOGDIR}"; fi
mkdir -p "$logs"
steps=40
common=(--width 0.03125 --crop 96 --batch 2 --workers 2 --checkpoint-every 10 --val-every 1000 --seed 7)

data="$logs/data"
if [ ! -f "$data/classes.txt" ]; then
  "$pg" train --output "$logs/gen" --iterations 1 "${common[@]}" >/dev/null 2>&1
  mv "$logs/gen/data" "$data"
  rm -rf "$logs/gen"
fi

train() {  # train RUNDIR STEPS [extra...]: runs in the background, sets $pid
  local dir="$1" it="$2"
  shift 2
  "$pg" train --data "$data" --output "$dir" --iterations "$it" "${common[@]}" "$@" >>"$dir.log" 2>&1 &
  pid=$!
}

finish() {  # finish RUNDIR: what a retry loop does: resume from the checkpoint, or start again if none was written
  local dir="$1" resume=()
  [ -f "$dir/checkpoint.safetensors" ] && resume=(--resume)
  "$pg" train --data "$data" --output "$dir" --iterations "$steps" "${common[@]}" "${resume[@]}" >>"$dir.log" 2>&1
}

same_as_uninterrupted() {  # same_as_uninterrupted RUNDIR: per-step losses and final checkpoint equal the uninterrupted run's
  cmp -s <(cut -d, -f1,2 "$logs/uninterrupted/train.csv") <(cut -d, -f1,2 "$1/train.csv") \
    && cmp -s "$logs/uninterrupted/checkpoint.safetensors" "$1/checkpoint.safetensors"
}

uninterrupted_run() {
  if [ ! -f "$logs/uninterrupted/checkpoint.safetensors" ]; then
    rm -rf "$logs/uninterrupted"
    local t0=$SECONDS
    train "$logs/uninterrupted" "$steps"
    wait "$pid"
    echo "uninterrupted run: $steps steps in $((SECONDS - t0)) s" >&2
  fi
}

rand_ms() {  # rand_ms LO HI
  echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) ))
}

case "$what" in
  kill|term|resume-kill)
    uninterrupted_run
    survived=0
    echo "| trial | signal at (s) | step of the checkpoint left | exit | resumed to the uninterrupted run, bit for bit |"
    echo "|---|---|---|---|---|"
    for i in $(seq 1 "$n"); do
      dir="$logs/$what-$i"
      rm -rf "$dir" "$dir.log"
      if [ "$what" = resume-kill ]; then
        # A run stopped at step 10 or later, then killed while its resume loads the checkpoint.
        train "$dir" "$steps"
        until [ -f "$dir/checkpoint.safetensors" ]; do sleep 0.2; done
        kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
        "$pg" train --data "$data" --output "$dir" --iterations "$steps" "${common[@]}" --resume >>"$dir.log" 2>&1 &
        pid=$!
        ms=$(rand_ms 300 3000)
      else
        train "$dir" "$steps"
        ms=$(rand_ms 1500 13000)
      fi
      sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
      signal=KILL
      [ "$what" = term ] && signal=TERM
      kill -"$signal" "$pid" 2>/dev/null || true
      code=0
      wait "$pid" 2>/dev/null || code=$?
      left=none
      if [ -f "$dir/checkpoint.safetensors" ]; then
        left=$(python3 -c 'import json,struct,sys; f=open(sys.argv[1],"rb"); n=struct.unpack("<Q",f.read(8))[0]; print(json.loads(f.read(n))["__metadata__"]["step"])' "$dir/checkpoint.safetensors")
      fi
      ok=no
      if finish "$dir" && same_as_uninterrupted "$dir"; then ok=yes; survived=$((survived + 1)); fi
      printf '| %d | %d.%03d | %s | %s | %s |\n' "$i" $((ms / 1000)) $((ms % 1000)) "$left" "$code" "$ok"
    done
    echo
    echo "$survived of $n survived"
    ;;
  soak)
    dir="$logs/soak"
    rm -rf "$dir" "$dir.log"
    common=(--width 0.03125 --crop 64 --batch 2 --workers 2 --checkpoint-every 100 --val-every 250 --seed 7)
    train "$dir" "$n"
    probe() {  # heap after a full GC (MiB), RSS (MiB), threads, open fds
      jcmd "$pid" GC.run >/dev/null 2>&1 || true
      local heap
      heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -n 1)
      printf '%s | %s | %s | %s' "$((heap / 1024))" "$(($(awk '/VmRSS/ {print $2}' /proc/"$pid"/status) / 1024))" \
        "$(awk '/Threads/ {print $2}' /proc/"$pid"/status)" "$(ls /proc/"$pid"/fd | wc -l)"
    }
    at() { [ -f "$dir/train.csv" ] && [ "$(($(wc -l <"$dir/train.csv") - 1))" -ge "$1" ]; }
    first=$((n / 20)); last=$((n - n / 50))
    until at "$first"; do sleep 1; done
    start="$(probe)"
    until at "$last"; do sleep 2; done
    end="$(probe)"
    wait "$pid"
    echo "| when | heap after GC (MiB) | RSS (MiB) | threads | open fds |"
    echo "|---|---|---|---|---|"
    echo "| step $first | $start |"
    echo "| step $last | $end |"
    ;;
  options)
    echo "| command line | exit | seconds | message |"
    echo "|---|---|---|---|"
    base=(--width 0.03125 --crop 64 --batch 2 --iterations 2 --val-every 1000)
    while IFS= read -r args; do
      [ -z "$args" ] && continue
      # The small run's options, except those the line sets: a line that is wrongly accepted costs seconds.
      extra=()
      for ((k = 0; k < ${#base[@]}; k += 2)); do
        [[ " $args " == *" ${base[k]} "* ]] || extra+=("${base[k]}" "${base[k + 1]}")
      done
      rm -rf "$logs/opt"
      t0=$(date +%s.%N)
      code=0
      # shellcheck disable=SC2086
      "$pg" train --data "$data" --output "$logs/opt" "${extra[@]}" $args </dev/null >/dev/null 2>"$logs/opt.err" || code=$?
      t1=$(date +%s.%N)
      msg=$(grep -m 1 "^pixelgrad" "$logs/opt.err" || tail -n 1 "$logs/opt.err")
      printf '| `train %s` | %s | %.1f | %s |\n' "$args" "$code" "$(echo "$t1 - $t0" | bc)" "${msg//|/\\|}"
    done <<'LIST'
--crop 100000
--crop 0
--scale-min 999 --scale-max 1000
--scale-max Infinity
--scale-min 1.5 --scale-max 1.2
--momentum NaN
--weight-decay NaN
--momentum -5
--weight-decay -1
--lr 0
--lr -1
--val-every -3
--checkpoint-every -3
--workers 0
--workers -4
--batch 0
--iterations 0
--width 0
--width 7
--model fcn4s
--optimizer rmsprop
--loss median
--device tpu
--init /nonexistent/vgg16.safetensors
--frobnicate
--iterations
LIST
    ;;
  *) echo "trials.sh: unknown trial '$what'" >&2; exit 2 ;;
esac
