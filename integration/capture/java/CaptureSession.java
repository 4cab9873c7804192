// One ordinary session of the Kafka 4.x Java clients, for capturing their frames.
// Run as a single-file program (no build step): java -cp 'jars-4.x/*' CaptureSession.java
// BOOTSTRAP TOPIC GROUP. It creates TOPIC, produces ten records with the default
// (idempotent) producer and snappy compression, reads them back in a classic consumer
// group, commits, describes the group and deletes the topic.

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class CaptureSession {
    private static final int RECORDS = 10;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];

        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);

        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            admin.describeCluster().nodes().get();
            admin.listTopics().names().get();
            admin.describeTopics(List.of(topic)).allTopicNames().get();
        }

        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", StringSerializer.class.getName());
        producerProps.put("compression.type", "snappy");
        producerProps.put("linger.ms", "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
            }
            producer.flush();
        }

        Properties consumerProps = new Properties();
        consumerProps.putAll(common);
        consumerProps.put("group.id", group);
        consumerProps.put("auto.offset.reset", "earliest");
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (received.size() < RECORDS && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
            if (received.size() < RECORDS) {
                throw new IllegalStateException("received " + received.size() + " of " + RECORDS);
            }
            consumer.commitSync();
        }

        try (Admin admin = Admin.create(common)) {
            admin.describeConsumerGroups(List.of(group)).all().get();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            admin.deleteTopics(List.of(topic)).all().get();
        }
    }
}
