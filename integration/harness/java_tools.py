"""Kafka's own command-line tools (Java), run straight from the jar cache.

Each call starts a JVM with the tool's main class, a time limit and captured output; the
wrappers below only spell out the arguments the shell scripts of a Kafka install take.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from . import jars, paths
from .process import CommandResult, run

TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand"
CONSOLE_PRODUCER = "kafka.tools.ConsoleProducer"
CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer"
CONSUMER_GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
PRODUCER_PERFORMANCE = "org.apache.kafka.tools.ProducerPerformance"
CONSUMER_PERFORMANCE = "org.apache.kafka.tools.ConsumerPerformance"
END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency"
CONFIG_COMMAND = "kafka.admin.ConfigCommand"

# Tools are short-lived: a small heap and the C1 compiler only start them faster. The
# performance tools get the full JIT (see fast_start below).
_FAST_START_OPTS = ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"]
_PERF_OPTS = ["-Xmx512m"]


class JavaTools:
    """The tools of one Kafka installation (a jar folder), aimed at one cluster."""

    def __init__(self, bootstrap: str, jars_dir: Optional[Path] = None, timeout: float = 60.0):
        self.bootstrap = bootstrap
        self.jars_dir = jars_dir or jars.ensure_kafka_jars()
        self.timeout = timeout

    def run(
        self,
        main_class: str,
        args: Sequence[str],
        input: Optional[bytes | str] = None,
        timeout: Optional[float] = None,
        check: bool = True,
        fast_start: bool = True,
    ) -> CommandResult:
        """Runs main_class with args; stdout is the tool's output, logs go to stderr."""
        java = os.environ.get("JAVA", "java")
        argv = [
            java,
            *(_FAST_START_OPTS if fast_start else _PERF_OPTS),
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{paths.LOG4J_DIR / 'tools-log4j.properties'}",
            "-cp",
            jars.classpath(self.jars_dir),
            main_class,
            *[str(a) for a in args],
        ]
        return run(argv, timeout or self.timeout, input=input, check=check)

    # -- kafka-topics.sh -------------------------------------------------------------

    def topics(self, *args: str, check: bool = True) -> CommandResult:
        return self.run(TOPIC_COMMAND, ["--bootstrap-server", self.bootstrap, *args], check=check)

    def create_topic(
        self,
        topic: str,
        partitions: int = 1,
        replication_factor: int = 1,
        configs: Optional[Mapping[str, str]] = None,
    ) -> CommandResult:
        config_args = [a for k, v in (configs or {}).items() for a in ("--config", f"{k}={v}")]
        return self.topics(
            "--create", "--topic", topic,
            "--partitions", str(partitions),
            "--replication-factor", str(replication_factor),
            *config_args,
        )

    def list_topics(self) -> list[str]:
        return self.topics("--list").lines

    def describe_topic(self, topic: str) -> list[dict[str, str]]:
        """Parses `--describe` output into one dict per line (the summary line first, then
        one per partition), e.g. {"Topic": "t", "Partition": "0", "Leader": "1", ...}."""
        return [_parse_describe_line(line) for line in self.topics("--describe", "--topic", topic).lines]

    def delete_topic(self, topic: str) -> CommandResult:
        return self.topics("--delete", "--topic", topic)

    # -- console producer and consumer -----------------------------------------------

    def console_produce(
        self,
        topic: str,
        lines: Iterable[str],
        key_separator: Optional[str] = None,
        producer_props: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
    ) -> CommandResult:
        """Sends one record per line; with key_separator, the text before it is the key."""
        args = ["--bootstrap-server", self.bootstrap, "--topic", topic]
        if key_separator is not None:
            args += ["--property", "parse.key=true", "--property", f"key.separator={key_separator}"]
        for k, v in (producer_props or {}).items():
            args += ["--producer-property", f"{k}={v}"]
        text = "".join(f"{line}\n" for line in lines)
        return self.run(CONSOLE_PRODUCER, args, input=text, timeout=timeout)

    def console_consume(
        self,
        topic: str,
        max_messages: int,
        group: Optional[str] = None,
        from_beginning: bool = True,
        print_key: bool = False,
        consumer_props: Optional[Mapping[str, str]] = None,
        timeout_ms: int = 20000,
    ) -> list[str]:
        """Reads up to max_messages records and returns the printed lines (values, or
        key<TAB>value with print_key). Stops after timeout_ms without a new record."""
        args = [
            "--bootstrap-server", self.bootstrap, "--topic", topic,
            "--max-messages", str(max_messages), "--timeout-ms", str(timeout_ms),
        ]
        if from_beginning:
            args.append("--from-beginning")
        if group:
            args += ["--group", group]
        if print_key:
            args += ["--property", "print.key=true"]
        for k, v in (consumer_props or {}).items():
            args += ["--consumer-property", f"{k}={v}"]
        # The consumer exits 0 after max_messages, and also when timeout_ms elapses.
        result = self.run(CONSOLE_CONSUMER, args, timeout=timeout_ms / 1000 + self.timeout)
        return [line for line in result.stdout.splitlines() if not line.startswith("Processed a total")]

    # -- kafka-consumer-groups.sh ----------------------------------------------------

    def consumer_groups(self, *args: str, check: bool = True) -> CommandResult:
        return self.run(CONSUMER_GROUP_COMMAND, ["--bootstrap-server", self.bootstrap, *args], check=check)

    def list_groups(self) -> list[str]:
        return self.consumer_groups("--list").lines

    # -- kafka-configs.sh ------------------------------------------------------------

    def configs(self, *args: str, check: bool = True) -> CommandResult:
        return self.run(CONFIG_COMMAND, ["--bootstrap-server", self.bootstrap, *args], check=check)

    # -- performance tools -----------------------------------------------------------

    def producer_perf(
        self,
        topic: str,
        num_records: int,
        record_size: int,
        throughput: int = -1,
        producer_props: Optional[Mapping[str, str]] = None,
        timeout: float = 300.0,
    ) -> CommandResult:
        props = {"bootstrap.servers": self.bootstrap, **(producer_props or {})}
        args = [
            "--topic", topic, "--num-records", str(num_records),
            "--record-size", str(record_size), "--throughput", str(throughput),
            "--producer-props", *[f"{k}={v}" for k, v in props.items()],
        ]
        return self.run(PRODUCER_PERFORMANCE, args, timeout=timeout, fast_start=False)

    def consumer_perf(
        self, topic: str, messages: int, extra_args: Sequence[str] = (), timeout: float = 300.0
    ) -> CommandResult:
        args = ["--bootstrap-server", self.bootstrap, "--topic", topic, "--messages", str(messages), *extra_args]
        return self.run(CONSUMER_PERFORMANCE, args, timeout=timeout, fast_start=False)


_DESCRIBE_FIELD = re.compile(r"(\w[\w ]*?):\s*(.*?)(?=\t|$)")


def _parse_describe_line(line: str) -> dict[str, str]:
    # kafka-topics prints tab-separated "Name: value" pairs.
    return {name.strip(): value.strip() for name, value in _DESCRIBE_FIELD.findall(line)}
