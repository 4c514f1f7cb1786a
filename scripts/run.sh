#!/usr/bin/env bash
# Builds Sluice and runs its main job on the embedded default: an H2 file database under ./data, no Redis,
# the simulated call provider and classifier on loopback (no real call is ever placed), summary emails
# written as .eml files to ./data/outbox. It creates a demo campaign of a few dozen leads in countries
# where it is daytime now, prints its progress until it completes, prints the summary email's path, and
# keeps serving (Ctrl-C stops it). Every SLUICE_* variable in reference.conf still applies.
#
# The first start on an empty database prints an API key once and writes it to ./data/first-api-key
# (owner-only), e.g.: curl -H "Authorization: Bearer $(cat data/first-api-key)" http://127.0.0.1:8080/v1/campaigns
set -euo pipefail
cd "$(dirname "$0")/.."
export SLUICE_CLASSIFIER_SIMULATED="${SLUICE_CLASSIFIER_SIMULATED:-true}"
export SLUICE_CLASSIFIER_SIMULATED_LATENCY="${SLUICE_CLASSIFIER_SIMULATED_LATENCY:-500ms}"
export SLUICE_PROVIDER_SIMULATED_LATENCY="${SLUICE_PROVIDER_SIMULATED_LATENCY:-1500ms}"
mvn -B -q install -DskipTests
# exec:java runs the service inside Maven's JVM: size its common pool as Main would (see Sluice.java).
export MAVEN_OPTS="${MAVEN_OPTS:-} -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"
exec mvn -B -q -pl orchestrator exec:java -Dexec.args="--demo"
