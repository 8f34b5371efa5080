#!/usr/bin/env bash
# Proves that the build fails on a dependency mix-up instead of failing at run time: each folder here
# is a child of the k8sm parent with one deliberate problem, and the parent's maven-enforcer rules
# must reject it with the rule named below. Exits non-zero if any of them builds.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mvnw="$here/../../mvnw"
status=0
check() { # folder, rule the failure must name
  local log
  log=$("$mvnw" -B -q -f "$here/$1/pom.xml" validate 2>&1)
  if [[ $? -eq 0 ]]; then
    echo "enforcer-check: $1 built, but the enforcer should have refused it"; status=1
  elif grep -q "$2" <<<"$log"; then
    echo "enforcer-check: $1 refused by $2, as it should be"
  else
    echo "enforcer-check: $1 failed, but not by $2:"; tail -20 <<<"$log"; status=1
  fi
}
check convergence DependencyConvergence
check jackson-mix RequireSameVersions
check protobuf4 BannedDependencies
exit $status
