"""Recording Kafka frames between real clients and the Apache Kafka broker (golden fixtures)."""
