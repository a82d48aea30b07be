package dev.ferry.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Two separate single-node KRaft clusters in this JVM: a source and a destination. The destination does not create
 * topics on first use, so a test sees whether Ferry provisioned them.
 */
public final class TwoClusters implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker source;
    private final EmbeddedKafkaKraftBroker destination;

    public TwoClusters() {
        this(Map.of());
    }

    /** @param sourceBroker further settings of the source cluster's broker */
    public TwoClusters(Map<String, String> sourceBroker) {
        this.source = start(sourceBroker);
        this.destination = start(Map.of("auto.create.topics.enable", "false"));
    }

    private static EmbeddedKafkaKraftBroker start(Map<String, String> properties) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(properties);
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        // one broker: transactional producers need their state topic with one replica
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.afterPropertiesSet();
        return broker;
    }

    public String sourceServers() {
        return source.getBrokersAsString();
    }

    public String destinationServers() {
        return destination.getBrokersAsString();
    }

    public EmbeddedKafkaKraftBroker source() {
        return source;
    }

    public EmbeddedKafkaKraftBroker destination() {
        return destination;
    }

    public void createSourceTopic(String name, int partitions) {
        source.addTopics(new NewTopic(name, partitions, (short) 1));
    }

    public void createDestinationTopic(String name, int partitions) {
        destination.addTopics(new NewTopic(name, partitions, (short) 1));
    }

    public static KafkaProducer<byte[], byte[]> producer(String servers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String servers, String group) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record of a destination topic, read from the beginning until the end offsets seen at the start. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String servers, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(servers, "reader-" + System.nanoTime())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end + " within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    @Override
    public void close() {
        destination.destroy();
        source.destroy();
    }
}
