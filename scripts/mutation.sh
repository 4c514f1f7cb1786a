#!/usr/bin/env bash
# PIT mutation testing of the permit core (io.sluice.orchestrator.pool and .database), then a per-class score table
# read from PIT's mutations.xml. Needs the test PostgreSQL (scripts/ensure-services.sh starts it).
#   scripts/mutation.sh                 run PIT (extra arguments go to Maven), print the table
#   scripts/mutation.sh --report-only   print the table of the last run
#   scripts/mutation.sh --survivors     print the table and every surviving mutant (file:line, mutator, description)
set -euo pipefail
cd "$(dirname "$0")/.."

run=true
survivors=false
maven_args=()
for arg in "$@"; do
  case "$arg" in
    --report-only) run=false ;;
    --survivors) survivors=true ;;
    *) maven_args+=("$arg") ;;
  esac
done

if $run; then
  scripts/ensure-services.sh
  mvn -B -Pmutation -pl orchestrator -am test "${maven_args[@]}"
fi

python3 - orchestrator/target/pit-reports/mutations.xml "$survivors" <<'EOF'
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict

path, show_survivors = sys.argv[1], sys.argv[2] == "true"
mutations = ElementTree.parse(path).getroot().findall("mutation")

# Inner and lambda classes count towards the class of their source file, as in PIT's HTML report.
by_class = defaultdict(list)
for mutation in mutations:
    by_class[mutation.findtext("mutatedClass").split("$")[0]].append(mutation)

def count(items, *statuses):
    return sum(1 for m in items if m.get("status") in statuses)

row = "{:<58} {:>7} {:>6} {:>8} {:>8} {:>6} {:>14} {:>6}"
print(row.format("class", "killed", "timed", "survived", "no-cover", "other", "detected/total", "score"))
for name in sorted(by_class) + ["TOTAL"]:
    items = mutations if name == "TOTAL" else by_class[name]
    detected = sum(1 for m in items if m.get("detected") == "true")
    killed, timed = count(items, "KILLED"), count(items, "TIMED_OUT")
    survived, uncovered = count(items, "SURVIVED"), count(items, "NO_COVERAGE")
    other = len(items) - killed - timed - survived - uncovered
    score = f"{100 * detected / len(items):.0f}%" if items else "-"
    print(row.format(name, killed, timed, survived, uncovered, other, f"{detected}/{len(items)}", score))

if show_survivors:
    for name in sorted(by_class):
        alive = [m for m in by_class[name] if m.get("status") in ("SURVIVED", "NO_COVERAGE")]
        if not alive:
            continue
        print(f"\n{name}: {len(alive)} not detected")
        for m in sorted(alive, key=lambda m: int(m.findtext("lineNumber"))):
            print("  {}:{} {} {} [{}] {}".format(
                m.findtext("sourceFile"), m.findtext("lineNumber"), m.get("status"),
                m.findtext("mutator").rsplit(".", 1)[-1], m.findtext("mutatedMethod"), m.findtext("description")))
EOF
