#!/usr/bin/env bash
# Instructions executed per block run (all threads), counted by callgrind:
# deterministic, unlike times on a shared machine. Usage:
#   Tests/tools/instructions.sh PEVM FIXTURE [WORKERS]
# prints the instructions of one `replay` run of FIXTURE (the difference
# between three runs and one, halved, so loading and checking cancel out).
set -euo pipefail
pevm=$1 fixture=$2 workers=${3:-1}
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$pevm" replay --runs "$1" \
    --workers "$workers" "$fixture" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
one=$(count 1)
three=$(count 3)
echo $(((three - one) / 2))
