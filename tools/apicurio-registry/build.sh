#!/usr/bin/env bash
# Builds the Apicurio Registry 2.4.2.Final runner (an independent Confluent-compatible schema
# registry used by the k8sm interop tests) from Maven Central, once.
#
#   tools/apicurio-registry/build.sh            # build unless the runner is already up to date
#   tools/apicurio-registry/build.sh --force    # rebuild regardless
#   tools/apicurio-registry/build.sh -- <extra Maven args, e.g. -o or -Dmaven.repo.local=...>
#
# Needs only Java 17 and the main project's Maven wrapper (../../mvnw). Prints the runner's path
# on the last line of its output. The runner is target/*-runner.jar next to target/lib/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mvnw="$root/mvnw"

force=false
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=true; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

find_runner() {
  # newest *-runner.jar in target/, empty if none
  ls -t "$here"/target/*-runner.jar 2>/dev/null | head -n 1 || true
}

up_to_date() {
  local runner="$1"
  [[ -n "$runner" && -f "$runner" && -d "$here/target/lib" ]] || return 1
  # newer than everything that decides what is built
  for input in "$here/pom.xml" "$here/.mvn/maven.config"; do
    [[ "$runner" -nt "$input" ]] || return 1
  done
  return 0
}

runner="$(find_runner)"
if ! $force && up_to_date "$runner"; then
  echo "Apicurio Registry runner is up to date; skipping the build."
  echo "$runner"
  exit 0
fi

if [[ ! -x "$mvnw" ]]; then
  echo "build.sh: the Maven wrapper was not found at $mvnw (run this script from the k8sm checkout)" >&2
  exit 1
fi
if ! command -v java >/dev/null 2>&1 && [[ -z "${JAVA_HOME:-}" ]]; then
  echo "build.sh: no 'java' on PATH and JAVA_HOME is unset; Java 17 is required" >&2
  exit 1
fi

echo "Building the Apicurio Registry runner in $here (a cold build takes about a minute) ..."
start=$(date +%s)
# Run from this directory so that Maven picks up .mvn/maven.config (-DskipDefault).
# 'clean' first: a stale lib/ from an older build would otherwise linger on the runner's class path.
(cd "$here" && "$mvnw" -B -ntp clean package ${extra[@]+"${extra[@]}"})
end=$(date +%s)

runner="$(find_runner)"
if [[ -z "$runner" || ! -d "$here/target/lib" ]]; then
  echo "build.sh: the Maven build finished but no target/*-runner.jar + target/lib/ appeared in $here" >&2
  exit 1
fi
echo "Built the Apicurio Registry runner in $((end - start)) s."
echo "$runner"
