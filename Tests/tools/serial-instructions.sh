#!/usr/bin/env bash
# Instructions that Block-STM spends outside its worker pools on one block
# (set-up, tear-down, receipts assembly: the serial part), counted by
# callgrind on the calling thread. Usage:
#   Tests/tools/serial-instructions.sh PEVM FIXTURE [WORKERS]
set -euo pipefail
pevm=$1 fixture=$2 workers=${3:-2}
out=$(mktemp)
valgrind --tool=callgrind --callgrind-out-file="$out" \
  --toggle-collect='$s8BlockSTM16ParallelExecutorO7execute_5state7workers19fallbackOnConflicts9Execution0A6ResultV_AA0C10StatisticsVtAH0A0V_10WorldState08InMemoryO0VzSiSbtAH0A5ErrorOYKFZ' \
  "$pevm" replay --runs 4 --workers "$workers" "$fixture" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk '
  /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
  /concurrentPerform10iterations7execute/ { gsub(",", "", $1); if ($1 + 0 > pools) pools = $1 + 0 }
  END { printf "per run (of 4): block %d, in worker pools %d, serial %d\n", total / 4, pools / 4, (total - pools) / 4 }'
rm -f "$out"
