#!/usr/bin/env bash
# Builds Sluice and runs the service on its embedded default (H2 file database under ./data, no Redis
# needed). Settings come from reference.conf and the SLUICE_* environment variables it lists.
# The first start on an empty database prints an API key once and writes it to ./data/first-api-key
# (owner-only), e.g.: curl -H "Authorization: Bearer $(cat data/first-api-key)" http://127.0.0.1:8080/v1/...
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
exec mvn -B -q -pl orchestrator exec:java
