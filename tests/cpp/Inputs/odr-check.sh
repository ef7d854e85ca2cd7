#!/usr/bin/env bash
# odr-check.sh [--all] MERGED CALLER CALLEE...
# The weak (linkonce_odr/weak_odr) symbols that CALLER and at least one
# CALLEE both define -- C++ inline functions and templates of the standard
# library, typeinfo... -- must be defined at most once in MERGED (a bitcode
# file or a shared library): no second copy, renamed NAME.N or not. With
# --all, exactly once (nothing optimized away). Prints each offending name
# and exits 1; exits 2 when nothing is shared (the check would be vacuous).
set -o pipefail
all=0
if [ "$1" = --all ]; then all=1; shift; fi
merged=$1 caller=$2
shift 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
weak() { llvm-nm --defined-only "$@" | awk 'NF >= 2 && $(NF-1) ~ /^[WV]$/ {print $NF}' | sort -u; }
weak "$caller" > "$tmp/caller" || exit 2
weak "$@" > "$tmp/callees" || exit 2
comm -12 "$tmp/caller" "$tmp/callees" > "$tmp/shared"
if [ ! -s "$tmp/shared" ]; then
  echo "odr-check: $caller and the callees share no weak definition" >&2
  exit 2
fi
llvm-nm --defined-only "$merged" | awk 'NF >= 2 {print $NF}' | sed 's/\.[0-9][0-9]*$//' |
  sort | uniq -c | awk '{print $2, $1}' > "$tmp/counts" || exit 2
rc=0
while IFS= read -r name; do
  n=$(awk -v n="$name" '$1 == n {print $2}' "$tmp/counts")
  n=${n:-0}
  if [ "$n" -gt 1 ]; then echo "defined $n times: $name"; rc=1; fi
  if [ $all = 1 ] && [ "$n" -eq 0 ]; then echo "missing: $name"; rc=1; fi
done < "$tmp/shared"
echo "odr-check: $(wc -l < "$tmp/shared") shared weak definitions checked" >&2
exit $rc
