#!/usr/bin/env bash
# run-inputs.sh FAAS-RUN [ARGS...] ENTRY
# Runs `FAAS-RUN --input IN ARGS... ENTRY` once per line IN of inputs.txt
# (beside this script; an empty line is the empty input), then on one long
# input whose request and replies pass 960 bytes (shared memory with --ipc).
# For each run, prints a header line, the run's stdout byte for byte, and its
# exit status; stderr is dropped. The result is what tests compare.
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
shift
one() {
  local in=$1
  shift
  printf '== input [%s]\n' "$in"
  "$bin" --input "$in" "$@" 2>/dev/null
  printf '\n== exit %d\n' "$?"
}
while IFS= read -r line; do
  one "$line" "$@"
done < "$here/inputs.txt"
long="carol|"
for i in $(seq 1 120); do long+="@user$i http://example.com/$i "; done
long+="@bob"
one "$long" "$@"
