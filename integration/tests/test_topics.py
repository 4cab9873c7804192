"""Topic creation on a 3-broker cluster: the controller creates, every broker sees the topic."""
import pytest

from harness import kcat
from harness.java_tools import JavaTools

CLUSTER_SIZE = 3


def test_created_topic_is_visible_on_every_broker(cluster, topic_name):
    # Bootstrapping through the last broker: the admin client sends CreateTopics to whichever
    # broker Metadata names as the controller.
    JavaTools(cluster.brokers[-1].bootstrap).create_topic(
        topic_name, partitions=4, replication_factor=3
    )
    for broker in cluster.brokers:
        topic = kcat.wait_for_topic(broker.bootstrap, topic_name, partitions=4)
        for p in topic["partitions"]:
            replicas = sorted(r["id"] for r in p["replicas"])
            assert replicas == [1, 2, 3]
            assert sorted(r["id"] for r in p["isrs"]) == [1, 2, 3]
            assert p["leader"] in replicas


def test_create_errors_carry_kafkas_messages(cluster, tools, topic_name):
    too_many = tools.topics(
        "--create", "--topic", topic_name, "--replication-factor", "4", check=False
    )
    assert too_many.returncode != 0
    assert "Replication factor: 4 larger than available brokers: 3." in too_many.stdout

    tools.create_topic(topic_name)
    again = tools.topics("--create", "--topic", topic_name, check=False)
    assert again.returncode != 0
    assert f"Topic '{topic_name}' already exists." in again.stdout
