#!/usr/bin/env bash
# Profiles the SELECT 1 part of PermitBenchmarkRunner (Sluice's facade, then bare HikariCP, in one JVM) at one
# concurrency, with a per-thread /proc sampler alongside, and writes everything to OUTDIR:
#
#   bench/profile/profile.sh OUTDIR CONCURRENCY jfr          # JFR: samples, allocation samples, per-thread CPU/alloc
#   bench/profile/profile.sh OUTDIR CONCURRENCY park         # JFR: every ThreadPark/monitor event (perturbs timing)
#   bench/profile/profile.sh OUTDIR CONCURRENCY async PATH   # async-profiler (libasyncProfiler.so at PATH), with kernel
#
# then: java bench/profile/RoundTripProfile.java OUTDIR/<mode>-c<CONCURRENCY>.jfr OUTDIR/out-<mode>-c<...>.txt
# BENCH_SECONDS / BENCH_WARMUP (default 10 / 3) set the measured window and warm-up of each side.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
concurrency=$2
mode=${3:-jfr}
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-3}
base=$out/$mode-c$concurrency
jfc=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc
case $mode in
  jfr)
    python3 "$here/jfc.py" "$jfc" "$out/cpu-alloc.jfc" cpu-alloc
    profiling="-XX:StartFlightRecording=settings=$out/cpu-alloc.jfc,filename=$base.jfr" ;;
  park)
    python3 "$here/jfc.py" "$jfc" "$out/park.jfc" park
    profiling="-XX:StartFlightRecording=settings=$out/park.jfc,filename=$base.jfr" ;;
  async)
    profiling="-agentpath:${4:?path of libasyncProfiler.so}=start,${ASYNC_OPTS:-event=cpu,interval=10ms},jfr,file=$base.jfr" ;;
  *) echo "mode must be jfr, park or async" >&2; exit 2 ;;
esac
# Others may be building on the same 2 cores: wait (up to QUIET_WAIT seconds, default 0) until the machine is quiet.
busy() {  # busy % of the whole machine over 2 s
  read -r _ a b c d e f g h _ < /proc/stat; sleep 2; read -r _ A B C D E F G H _ < /proc/stat
  local total=$(( (A+B+C+D+E+F+G+H) - (a+b+c+d+e+f+g+h) )) idle=$(( (D+E) - (d+e) ))
  echo $(( 100 * (total - idle) / total ))
}
waited=0
while [ "$waited" -lt "${QUIET_WAIT:-0}" ] && [ "$(busy)" -gt "${QUIET_MAX:-15}" ]; do sleep 8; waited=$((waited + 10)); done
{ uptime; echo "busy before: $(busy) % (waited ${waited} s)"; ps -eo pcpu,etime,args --sort=-pcpu | head -6 | cut -c1-160; } > "$base.uptime"
# A tag on the command line tells this JVM from any other benchmark JVM running at the same time.
tag=roundtrip-profile-$$-$RANDOM
python3 "$here/procsample.py" "$base.proc.jsonl" "$tag" &
sampler=$!
JAVA_OPTS="-Dsluice.profile.tag=$tag -Dbench.scenarios=select -Dbench.concurrency=$concurrency -Dbench.seconds=$seconds -Dbench.warmup=$warmup \
  -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints $profiling ${JAVA_OPTS:-}" \
  "$here/../run.sh" io.sluice.bench.PermitBenchmarkRunner | tee "$out/out-$mode-c$concurrency.txt"
wait $sampler || true
{ uptime; ps -eo pcpu,etime,args --sort=-pcpu | head -6 | cut -c1-160; } >> "$base.uptime"
