#!/usr/bin/env bash
# Builds the bench module and what it depends on inside the reactor (nothing is installed into ~/.m2, so the run
# always uses this checkout's code, never stale snapshots), then runs a main class of the module:
#
#   bench/run.sh                                                   # io.sluice.bench.PermitBenchmarkRunner
#   bench/run.sh io.sluice.bench.PermitBenchmarkRunner             # the same, explicitly
#   bench/run.sh io.sluice.bench.AdaptiveOnPostgresRunner
#   bench/run.sh io.sluice.bench.ColdPoolRunner                    # cold pool of 30: closed-loop herd, 1,000 at once
#   bench/run.sh io.sluice.bench.CampaignThroughputRunner          # one campaign end to end (-Dbench.leads, -Dbench.slots)
#   bench/run.sh io.sluice.bench.IdleDrainRunner                   # serverless: last work -> zero backends, idle-timeout 2 s
#   bench/run.sh io.sluice.bench.ClusterBudgetRunner               # 3 nodes vs 1 on one budget of 30, then a kill -9
#                                                                  # (-Dbench.campaigns, -Dbench.leads, -Dbench.limit)
#   bench/run.sh io.sluice.bench.ScheduleRunner                    # 10,000 due schedules and 10 idle minutes, beside
#                                                                  # db-scheduler (-Dbench.trials, -Dbench.idle-seconds)
#   bench/run.sh org.openjdk.jmh.Main PermitGrantRelease -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1 -prof gc
#
# JAVA_OPTS goes to the JVM (e.g. JAVA_OPTS="-Dbench.seconds=5 -Dbench.warmup=2", or -Dbench.limit=fixed instead of
# Sluice's shipped limit settings); MVN_OPTS_EXTRA to Maven (e.g. MVN_OPTS_EXTRA=-o to stay offline). JMH forks its
# benchmark JVMs from this JVM's class path.
set -euo pipefail
cd "$(dirname "$0")/.."
main=${1:-io.sluice.bench.PermitBenchmarkRunner}
[ $# -gt 0 ] && shift
# PostgreSQL running and the runners' default database (sluice_bench) present; a no-op when both are.
SLUICE_TEST_DB_NAME=sluice_bench scripts/ensure-services.sh >&2
# shellcheck disable=SC2086
mvn -B -q ${MVN_OPTS_EXTRA:-} -Pbench -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2
# shellcheck disable=SC2086
# The common pool's parallelism as the service sets it (io.sluice.orchestrator.Sluice.COMMON_POOL_PARALLELISM).
exec java -Xms512m -Xmx512m -Dlogback.configurationFile=logback-bench.xml \
    -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${JAVA_OPTS:-} \
    -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$main" "$@"
