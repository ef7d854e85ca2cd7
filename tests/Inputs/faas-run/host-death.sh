#!/bin/bash
# Kills faas-run --ipc with SIGKILL while its worker process is inside a
# call, and checks that the worker process dies too (it may stay a zombie
# until something reaps it). Usage: host-death.sh FAAS_RUN LIBTOOL.so
set -u
faas_run=$1 libtool=$2

"$faas_run" --ipc --func Tool="$libtool" --input sleep Tool >/dev/null 2>&1 &
host=$!
for _ in $(seq 100); do
  worker=$(pgrep -P "$host")
  [ -n "$worker" ] && break
  sleep 0.1
done
echo "workers: $(echo "$worker" | wc -w)"
kill -9 "$host"

# Running (R/S/D) means alive; Z or no /proc entry means dead.
state=alive
for _ in $(seq 100); do
  s=$(awk '{print $3}' "/proc/$worker/stat" 2>/dev/null)
  if [ -z "$s" ] || [ "$s" = Z ]; then state=dead; break; fi
  sleep 0.1
done
echo "worker after the host died: $state"
