"""`python -m bench` (from integration/): see cli.py and README.md."""

import os
import sys
from pathlib import Path

# The harness is a sibling package: make it importable however this module was started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The Kafka reference gets the heap of Kafka's own start script (kafka-server-start.sh),
# unless the caller chose one. Set before the harness reads it.
os.environ.setdefault("GREGOR_IT_KAFKA_HEAP", "-Xmx1G -Xms1G")

from bench.cli import main  # noqa: E402

sys.exit(main())
