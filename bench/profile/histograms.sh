#!/usr/bin/env bash
# Exact allocation counts: runs the SELECT 1 part at one concurrency on Epsilon GC (nothing is ever collected), takes a
# class histogram of every object ever allocated (jcmd GC.class_histogram -all) every INTERVAL seconds, then
# histdiff.py divides the growth between histograms by the operations done (one Release per facade operation, one
# HikariProxyConnection per borrow):
#
#   bench/profile/histograms.sh OUTDIR CONCURRENCY [INTERVAL=1.5]
#   python3 bench/profile/histdiff.py OUTDIR/hist-c10
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
concurrency=$2
interval=${3:-1.5}
dir=$out/hist-c$concurrency
rm -rf "$dir" && mkdir -p "$dir"
tag=roundtrip-histograms-$$-$RANDOM  # tells this JVM from any other benchmark JVM running at the same time
(
  pid=""
  for _ in $(seq 1 3000); do  # run.sh builds first
    pid=$(pgrep -f "java .*-Dsluice.profile.tag=$tag " | head -1 || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  n=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$interval"
    n=$((n + 1))
    stamp=$(date +%s.%N)
    if jcmd "$pid" GC.class_histogram -all > "$dir/$(printf %03d $n).hist" 2>/dev/null \
        && grep -q 'Total' "$dir/$(printf %03d $n).hist"; then
      echo "time $stamp" >> "$dir/$(printf %03d $n).hist"
    else
      rm -f "$dir/$(printf %03d $n).hist"
    fi
  done
) &
poller=$!
JAVA_OPTS="-Dsluice.profile.tag=$tag -Dbench.scenarios=select -Dbench.concurrency=$concurrency -Dbench.seconds=${BENCH_SECONDS:-10} \
  -Dbench.warmup=${BENCH_WARMUP:-4} -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms6g -Xmx6g \
  -XX:+AlwaysPreTouch ${JAVA_OPTS:-}" "$here/../run.sh" io.sluice.bench.PermitBenchmarkRunner | tee "$dir/out.txt"
wait $poller || true
