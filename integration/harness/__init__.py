"""gregor's integration-test harness: real ZooKeeper, real brokers, real clients.

Modules, one job each:
  paths       where the repository, the caches and the binaries are
  ports       free loopback ports
  process     long-running children (process groups, lifetime bound, log capture) and
              short commands with timeouts
  zookeeper   a ZooKeeper server from Debian's package
  broker      Broker / BrokerCluster of kind 'gregor' or 'kafka' (Apache Kafka 3.9)
  jars        the Kafka jars fetched by fetch-jars.sh
  java_tools  Kafka's command-line tools (topics, console clients, groups, configs, perf)
  kcat        kcat produce / consume / metadata
  py_clients  confluent-kafka and kafka-python factories
"""

from .broker import GREGOR, KAFKA, KINDS, Broker, BrokerCluster, kind_unavailable_reason
from .java_tools import JavaTools
from .process import CommandError, ManagedProcess, ProcessError
from .zookeeper import ZooKeeper

__all__ = [
    "GREGOR", "KAFKA", "KINDS", "Broker", "BrokerCluster", "kind_unavailable_reason",
    "JavaTools", "CommandError", "ManagedProcess", "ProcessError", "ZooKeeper",
]
