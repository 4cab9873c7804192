#!/usr/bin/env bash
# Runs the integration suite: prepares the venv and the Kafka jars (both cached), then runs
# pytest in integration/ with the given arguments, e.g.
#   integration/run-tests.sh --broker-kind=kafka -k smoke
# The whole run is bounded by GREGOR_IT_TIMEOUT seconds (default 1800): then pytest gets
# SIGINT (teardown stops every broker and ZooKeeper), and SIGKILL 60 s later.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$("$here/setup-venv.sh" | tail -n1)"
"$here/fetch-jars.sh" >/dev/null
cd "$here"
exec timeout -s INT -k 60 "${GREGOR_IT_TIMEOUT:-1800}" "$python" -m pytest "$@"
