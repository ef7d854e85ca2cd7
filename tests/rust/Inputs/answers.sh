#!/usr/bin/env bash
# answers.sh FAAS-RUN [ARGS...] ENTRY
# Runs `FAAS-RUN --input IN ARGS... ENTRY` once per line IN of inputs.txt
# (beside this script; an empty line is the empty input), then on an input
# of 2400 bytes (past --ipc's 960-byte inline messages). For each run prints
# a header line, the run's stdout byte for byte and its exit status; stderr
# (a panic's message) is dropped. The result is what the tests compare.
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
shift
one() {
  local in=$1
  shift
  printf '== input [%.40s]\n' "$in"
  RUST_BACKTRACE=0 "$bin" --input "$in" "$@" 2>/dev/null
  printf '\n== exit %d\n' "$?"
}
while IFS= read -r line; do
  one "$line" "$@"
done <"$here/inputs.txt"
long=""
for i in $(seq 1 300); do long+="word$((i % 10))xx "; done
one "$long" "$@"
