#!/usr/bin/env bash
# Soak: run the given test files N times in a row with vitest, one vitest process per run, and record
# per run: pass/fail, wall seconds and the 1-minute load average at start and end. Stops at the first
# failing run (its full output is kept) so the cause can be found; exits 0 only after N passes in a row.
#
#   scripts/soak.sh <n> <test files or globs…>
#   SOAK_DIR=/tmp/soak-kafka SOAK_NICE=5 scripts/soak.sh 20 $(grep -v "^#" scripts/kafka-test-files.txt)   # the Kafka test files
#
# Results go to $SOAK_DIR/results.tsv (run, result, seconds, load1 start, load1 end, load 1/5/15 end)
# and $SOAK_DIR/run-<k>.log. Keep the niceness modest: the point is to run on a loaded machine.
set -u
if [ $# -lt 2 ]; then echo "usage: $0 <n> <test files…>" >&2; exit 2; fi
n=$1; shift
dir=${SOAK_DIR:-$(mktemp -d /tmp/soak.XXXXXX)}
nice_level=${SOAK_NICE:-5}
mkdir -p "$dir"
cd "$(dirname "$0")/.."
results="$dir/results.tsv"
printf 'run\tresult\tseconds\tload1_start\tload1_end\tloadavg_end\tstarted_utc\n' > "$results"
echo "soak: $n runs of $# paths; results in $results" >&2
load1() { cut -d' ' -f1 /proc/loadavg; }
for k in $(seq 1 "$n"); do
  log="$dir/run-$k.log"
  l0=$(load1); t0=$(date +%s.%N); started=$(date -u +%H:%M:%S)
  nice -n "$nice_level" pnpm exec vitest run "$@" > "$log" 2>&1
  rc=$?
  t1=$(date +%s.%N); l1=$(load1); la=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  if [ $rc -eq 0 ]; then result=pass; else result=FAIL; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$result" "$secs" "$l0" "$l1" "$la" "$started" >> "$results"
  printf 'run %s: %s in %ss (load %s → %s)\n' "$k" "$result" "$secs" "$l0" "$l1" >&2
  if [ $rc -ne 0 ]; then
    echo "soak: run $k failed; output in $log" >&2
    grep -E 'FAIL|Error|✗|×' "$log" | head -40 >&2
    exit 1
  fi
  rm -f "$log"
done
echo "soak: $n consecutive passes" >&2
