#!/usr/bin/env bash
# Fetches the Java side of the integration harness from Maven Central, once:
#   .cache/jars-3.9  Apache Kafka 3.9 broker (kafka.Kafka), tools and a log4j binding
#   .cache/jars-4.x  the Kafka 4.x Java clients
# The jar lists are the poms under integration/java/. A folder is complete when its
# .complete stamp holds the sha256 of its pom, so a rerun with the cache present starts no
# Maven and touches no network. --force fetches again regardless.
# Environment: GREGOR_IT_CACHE, GREGOR_IT_KAFKA_JARS, GREGOR_IT_CLIENTS4_JARS move the folders.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${GREGOR_IT_CACHE:-$here/.cache}"
force=0
[ "${1:-}" = "--force" ] && force=1

mkdir -p "$cache"
# Parallel test runs may all find the cache empty; only one of them fetches.
exec 9>"$cache/.fetch-jars.lock"
flock -w 900 9

fetch() {
  local pom="$1" dest="$2" want tmp
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [ "$force" = 0 ] && [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$want" ]; then
    echo "fetch-jars: $dest is up to date"
    return
  fi
  echo "fetch-jars: fetching $(basename "$(dirname "$pom")") into $dest"
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp -d "$(dirname "$dest")/.fetching.XXXXXX")"
  trap 'rm -rf "$tmp"' RETURN
  # Maven's output is shown only when it fails.
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -f "$tmp.log"
    return 1
  fi
  rm -f "$tmp.log"
  echo "$want" > "$tmp/.complete"
  chmod 755 "$tmp"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "fetch-jars: $(ls "$dest" | wc -l) jars, $(du -sh "$dest" | cut -f1)"
}

fetch "$here/java/kafka-3.9/pom.xml" "${GREGOR_IT_KAFKA_JARS:-$cache/jars-3.9}"
fetch "$here/java/clients-4.x/pom.xml" "${GREGOR_IT_CLIENTS4_JARS:-$cache/jars-4.x}"
