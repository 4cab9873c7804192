#!/usr/bin/env bash
# Recaptures the golden wire fixtures in tests/wire/fixtures from real clients talking to
# Apache Kafka 3.9 (see integration/capture/record.py). Arguments go to record.py, e.g.
#   integration/capture/run-capture.sh --clients kcat,kafka-python --keep-workdir
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$("$here/setup-venv.sh" | tail -n1)"
"$here/fetch-jars.sh" >/dev/null
cd "$here"
exec timeout -s INT -k 30 600 "$python" -m capture.record "$@"
