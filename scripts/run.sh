#!/usr/bin/env bash
# Builds Sluice and runs the service on its embedded default (H2 file database under ./data, no Redis
# needed). Settings come from reference.conf and the SLUICE_* environment variables it lists.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
exec mvn -B -q -pl orchestrator exec:java
