#!/usr/bin/env bash
# The whole test suite: starts (installing if needed) PostgreSQL and Redis, then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-services.sh
exec mvn -B verify "$@"
