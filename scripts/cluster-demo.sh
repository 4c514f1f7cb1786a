#!/usr/bin/env bash
# Three Sluice nodes as separate JVMs on this machine, one Akka Cluster on loopback, one PostgreSQL database and one
# connection budget for all three (sluice.database.max-connections = 30, shared by the budget coordinator):
#
#   scripts/cluster-demo.sh start      # build, start nodes 1-3 in the background, wait until each is ready
#   scripts/cluster-demo.sh status     # each node's /health/ready and the cluster budget from /v1/pools
#   scripts/cluster-demo.sh kill 2     # kill -9 node 2: the split brain resolver downs it, its share moves
#   scripts/cluster-demo.sh stop       # stop every node still running
#   scripts/cluster-demo.sh node 2     # run node 2 in the foreground (what start does per node; tests use it)
#
# Node N serves HTTP on SLUICE_DEMO_HTTP_BASE + N (8080 + N) and Artery on SLUICE_DEMO_CLUSTER_BASE + N (25520 + N);
# node 1 is the seed. Logs, pids and each node's files are under SLUICE_DEMO_DIR (data/cluster-demo). The database is
# SLUICE_DB_URL (jdbc:postgresql://127.0.0.1:5432/sluice_cluster_demo, created if missing); every other SLUICE_*
# variable of reference.conf still applies to every node. SLUICE_DEMO_CLASSPATH skips the build (tests pass theirs).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${SLUICE_DEMO_DIR:-data/cluster-demo}
http_base=${SLUICE_DEMO_HTTP_BASE:-8080}
cluster_base=${SLUICE_DEMO_CLUSTER_BASE:-25520}
nodes=3

classpath() {
  if [ -n "${SLUICE_DEMO_CLASSPATH:-}" ]; then
    echo "$SLUICE_DEMO_CLASSPATH"
    return
  fi
  mvn -B -q install -DskipTests >&2
  mvn -B -q -pl orchestrator dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
      -Dmdep.includeScope=runtime >&2
  echo "orchestrator/target/classes:$(cat orchestrator/target/classpath.txt)"
}

# Runs node $1 in the foreground: exec, so the node's pid is this process's (kill -9 reaches the JVM).
run_node() {
  local n=$1 cp=$2
  export SLUICE_DB_URL=${SLUICE_DB_URL:-jdbc:postgresql://127.0.0.1:5432/sluice_cluster_demo}
  export SLUICE_DB_USER=${SLUICE_DB_USER:-postgres}
  export SLUICE_DB_PASSWORD=${SLUICE_DB_PASSWORD:-postgres}
  export SLUICE_DB_MAX_CONNECTIONS=${SLUICE_DB_MAX_CONNECTIONS:-30}
  export SLUICE_HTTP_PORT=$((http_base + n))
  export SLUICE_CLUSTER_PORT=$((cluster_base + n))
  # Set but empty: a standalone node (the benchmark's single-node baseline).
  export SLUICE_CLUSTER_SEED_NODES=${SLUICE_CLUSTER_SEED_NODES-127.0.0.1:$((cluster_base + 1))}
  export SLUICE_DB_POOL_APPLICATION_NAME=${SLUICE_DEMO_APPLICATION_PREFIX:-sluice-demo}-db-$n
  export SLUICE_JOURNAL_POOL_APPLICATION_NAME=${SLUICE_DEMO_APPLICATION_PREFIX:-sluice-demo}-journal-$n
  export SLUICE_EMAIL_SPOOL_DIR=${SLUICE_EMAIL_SPOOL_DIR:-$dir/node-$n/spool}
  export SLUICE_EMAIL_OUTBOX_DIR=${SLUICE_EMAIL_OUTBOX_DIR:-$dir/node-$n/outbox}
  # Only the seed creates the first API key; the others would race it on an empty database.
  if [ "$n" != 1 ]; then
    export SLUICE_BOOTSTRAP_CREATE_FIRST_KEY=${SLUICE_BOOTSTRAP_CREATE_FIRST_KEY:-false}
  fi
  mkdir -p "$dir/node-$n"
  exec java -Xmx512m -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${JAVA_OPTS:-} \
      -cp "$cp" io.sluice.orchestrator.Main
}

ready() {
  curl -fs "http://127.0.0.1:$((http_base + $1))/health/ready" > /dev/null 2>&1
}

# Waits up to two minutes for node $1 to be ready; fails at once if its process has ended.
await_ready() {
  local n=$1
  for _ in $(seq 1 240); do
    ready "$n" && return 0
    if ! kill -0 "$(cat "$dir/node-$n.pid")" 2> /dev/null; then
      echo "node $n exited; the end of $dir/node-$n.log:" >&2
      tail -5 "$dir/node-$n.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "node $n is not ready after 2 minutes; see $dir/node-$n.log" >&2
  return 1
}

case "${1:-}" in
  node)
    run_node "${2:?node number}" "$(classpath)"
    ;;
  start)
    SLUICE_TEST_DB_NAME=${SLUICE_DEMO_DB_NAME:-sluice_cluster_demo} scripts/ensure-services.sh >&2
    cp=$(classpath)
    mkdir -p "$dir"
    for n in $(seq 1 $nodes); do
      SLUICE_DEMO_CLASSPATH=$cp nohup "$0" node "$n" > "$dir/node-$n.log" 2>&1 &
      echo $! > "$dir/node-$n.pid"
      # The seed first: the others join it.
      if [ "$n" = 1 ]; then
        await_ready 1 || { "$0" stop; exit 1; }
      fi
    done
    for n in $(seq 1 $nodes); do
      await_ready "$n" || { "$0" stop; exit 1; }
      echo "node $n ready: http://127.0.0.1:$((http_base + n)) (pid $(cat "$dir/node-$n.pid"), log $dir/node-$n.log)"
    done
    ;;
  status)
    for n in $(seq 1 $nodes); do
      if ready "$n"; then echo "node $n: ready"; else echo "node $n: not ready"; fi
    done
    curl -fs "http://127.0.0.1:$((http_base + 1))/v1/pools" | grep -o '{"pool":"cluster-budget".*' || true
    echo
    ;;
  kill)
    n=${2:?node number}
    kill -9 "$(cat "$dir/node-$n.pid")"
    echo "node $n killed (kill -9)"
    ;;
  stop)
    for n in $(seq 1 $nodes); do
      [ -f "$dir/node-$n.pid" ] && kill "$(cat "$dir/node-$n.pid")" 2> /dev/null || true
    done
    ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
