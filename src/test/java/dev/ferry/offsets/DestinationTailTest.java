package dev.ferry.offsets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading which source offsets a real destination partition holds copies of. */
class DestinationTailTest {

    @Test
    void findsTheLastCopyOfASourcePartitionInTheDestinationTail() throws Exception {
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createDestinationTopic("east.orders", 2);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.destinationServers())) {
                for (long offset : new long[] {0, 3, 7, 7, 12}) {
                    producer.send(copy("orders", 1, offset)).get();
                }
                producer.send(new ProducerRecord<>("east.orders", 1, null, bytes("not a copy"))).get();
            }
            List<KafkaConsumer<byte[], byte[]>> created = new ArrayList<>();
            DestinationTail tail = new DestinationTail(() -> {
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", clusters.destinationServers(),
                        "default.api.timeout.ms", 2_000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                created.add(consumer);
                return consumer;
            }, new SourceHeaders("ferry."));
            assertThat(tail.copiedFrom("east.orders", 1, "orders", 1, 0)).hasToString("[0, 3, 7, 12]");
            assertThat(tail.copiedFrom("east.orders", 1, "orders", 1, 5)).as("from a later offset").hasToString("[7, 12]");
            assertThat(tail.copiedFrom("east.orders", 0, "orders", 0, 0).highest()).isEqualTo(-1);   // empty partition
            assertThat(tail.copiedFrom("east.orders", 1, "other", 1, 0).highest()).isEqualTo(-1);   // no copy of that source
            assertThat(tail.copiedFrom("east.orders", 1, "orders", 1, 0).highest()).as("after other partitions").isEqualTo(12);

            assertThat(created).as("one consumer, kept between calls").hasSize(1);
            assertThat(created.get(0).assignment()).as("an idle consumer keeps no partition").isEmpty();

            assertThatThrownBy(() -> tail.copiedFrom("east.missing", 0, "missing", 0, 0)).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            assertThatThrownBy(() -> created.get(0).assignment()).as("a consumer that failed is closed").isInstanceOf(IllegalStateException.class);
            assertThat(tail.copiedFrom("east.orders", 1, "orders", 1, 0).highest()).isEqualTo(12);
            assertThat(created).as("a new one after the failure").hasSize(2);
            tail.close();
            assertThatThrownBy(() -> created.get(1).assignment()).as("closed with the tail").isInstanceOf(IllegalStateException.class);
        }
    }

    private static ProducerRecord<byte[], byte[]> copy(String topic, int partition, long offset) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("east." + topic, partition, null, bytes("v" + offset));
        r.headers().add(new RecordHeader("ferry.source.topic", bytes(topic)));
        r.headers().add(new RecordHeader("ferry.source.partition", bytes(Integer.toString(partition))));
        r.headers().add(new RecordHeader("ferry.source.offset", bytes(Long.toString(offset))));
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
