#!/usr/bin/env bash
# Benchmarks gregor against Apache Kafka 3.9 (ZooKeeper mode) on this machine; see README.md.
#   integration/bench/run-bench.sh                    # full run, both kinds (<= ~10 min)
#   integration/bench/run-bench.sh --quick --kinds kafka
# Prepares the venv and the Kafka jars (both cached) like run-tests.sh, then runs
# `python -m bench` with the given arguments. The whole run is bounded by
# GREGOR_BENCH_TIMEOUT seconds (default 1800): then it gets SIGINT (brokers and ZooKeeper
# are stopped), and SIGKILL 60 s later.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
integration="$(dirname "$here")"
python="$("$integration/setup-venv.sh" | tail -n1)"
"$integration/fetch-jars.sh" >/dev/null
cd "$integration"
exec timeout -s INT -k 60 "${GREGOR_BENCH_TIMEOUT:-1800}" "$python" -m bench "$@"
