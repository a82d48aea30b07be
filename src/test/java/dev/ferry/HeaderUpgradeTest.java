package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.offsets.DestinationTail;
import dev.ferry.offsets.GroupOffsetSync;
import dev.ferry.offsets.Translation;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upgrade from the text headers to the compact one: a destination topic whose first copies were written in the text
 * form (as by Ferry before the compact form, here with {@code ferry.header-format=text}) and the rest in the compact
 * form. Translation, the tail read and the copy counts must not notice the seam; a filter drops about a third of the
 * records, so translation is exact only if it reads both forms.
 */
class HeaderUpgradeTest {

    private static final int PARTITIONS = 2;
    private static final int PER_BATCH = 600;

    private static TwoClusters clusters;
    private static ConfigurableApplicationContext ferry;
    private static final List<ConsumerRecord<byte[], byte[]>> copies = new ArrayList<>();
    private static final Map<Integer, Long> lastPassingOfFirstBatch = new HashMap<>();

    @BeforeAll
    static void copyBeforeAndAfterTheUpgrade() throws Exception {
        clusters = new TwoClusters();
        clusters.createSourceTopic("orders", PARTITIONS);
        int passing = produce(0);
        try (ConfigurableApplicationContext before = start("ferry.header-format=text")) {
            awaitCopies(passing);
            // the tail a restarted task reads: the text form only
            assertThat(highestCopied(0)).isEqualTo(lastPassingOfFirstBatch.get(0));
            assertThat(highestCopied(1)).isEqualTo(lastPassingOfFirstBatch.get(1));
        }
        passing += produce(PER_BATCH);
        ferry = start();
        awaitCopies(passing);
        copies.addAll(clusters.readAll(clusters.destinationServers(), "east.orders"));
    }

    @AfterAll
    static void stop() {
        ferry.close();
        clusters.close();
    }

    @Test
    void theDestinationHoldsBothFormsAndEveryPassingRecordOnce() {
        long text = copies.stream().filter(r -> r.headers().lastHeader("ferry.source.offset") != null).count();
        long compact = copies.stream().filter(r -> r.headers().lastHeader("ferry") != null).count();
        assertThat(text).as("copies in the text form").isPositive();
        assertThat(compact).as("copies in the compact form").isPositive();
        assertThat(text + compact).isEqualTo(copies.size());
        Set<String> coordinates = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> copy : copies) {
            SourceHeaders.Coordinates source = Copies.of(copy.headers());
            assertThat(source.partition()).isEqualTo(copy.partition());
            assertThat(new String(copy.value(), StandardCharsets.UTF_8)).isEqualTo("v-" + source.partition() + "-" + source.offset());
            assertThat(coordinates.add(source.partition() + "@" + source.offset())).as("copied once: " + source).isTrue();
        }
    }

    @Test
    void theTailReadAndTranslationReadBothForms() throws Exception {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int p = partition;
            long highest = copies.stream().filter(r -> r.partition() == p).mapToLong(r -> Copies.of(r.headers()).offset()).max().orElseThrow();
            assertThat(highestCopied(partition)).isEqualTo(highest);
        }
        // committed source offsets in the text part, at the seam, and in the compact part
        Map<String, Long> groups = Map.of("in-text-part", 100L, "at-the-seam", (long) PER_BATCH / PARTITIONS, "in-compact-part", 500L);
        try (Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            for (Map.Entry<String, Long> group : groups.entrySet()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    offsets.put(new TopicPartition("orders", p), new OffsetAndMetadata(group.getValue()));
                }
                source.alterConsumerGroupOffsets(group.getKey(), offsets).all().get();
            }
        }
        GroupOffsetSync sync = ferry.getBean(GroupOffsetSync.class);
        for (Map.Entry<String, Long> group : groups.entrySet()) {
            List<Translation> translations = sync.translate(group.getKey()).partitions();
            assertThat(translations).hasSize(PARTITIONS);
            for (Translation t : translations) {
                assertThat(t.exact()).as(group.getKey()).isTrue();
                assertThat(t.destinationOffset()).as(group.getKey() + " " + t.destinationTopic() + "-" + t.destinationPartition())
                        .isEqualTo(firstCopyAtOrAfter(t.destinationPartition(), group.getValue()));
            }
        }
    }

    /** The destination offset of the first copy of a source record at or after {@code sourceOffset}, or the end. */
    private static long firstCopyAtOrAfter(int partition, long sourceOffset) {
        List<ConsumerRecord<byte[], byte[]>> inPartition = copies.stream().filter(r -> r.partition() == partition).toList();
        return inPartition.stream().filter(r -> Copies.of(r.headers()).offset() >= sourceOffset).mapToLong(ConsumerRecord::offset)
                .min().orElse(inPartition.size());
    }

    private static long highestCopied(int partition) {
        try (DestinationTail tail = new DestinationTail(() -> new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                clusters.destinationServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer()), new SourceHeaders("ferry."))) {
            return tail.copiedFrom("east.orders", partition, "orders", partition, 0).highest();
        }
    }

    /** Produces PER_BATCH records; every third is filtered out by the stream. Returns how many pass. */
    private static int produce(int first) throws Exception {
        int passing = 0;
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            for (int i = first; i < first + PER_BATCH; i++) {
                int partition = i % PARTITIONS;
                long offset = i / PARTITIONS;
                boolean keep = i % 3 != 0;
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("orders", partition, bytes("k-" + i), bytes("v-" + partition + "-" + offset));
                r.headers().add(new RecordHeader("keep", bytes(keep ? "yes" : "no")));
                producer.send(r).get();
                if (keep) {
                    passing++;
                    if (first == 0) {
                        lastPassingOfFirstBatch.merge(partition, offset, Math::max);
                    }
                }
            }
        }
        return passing;
    }

    private static ConfigurableApplicationContext start(String... extra) {
        List<String> settings = new ArrayList<>(List.of("ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                "ferry.streams[0].destination=east.orders", "ferry.streams[0].filter.header.name=keep",
                "ferry.streams[0].filter.header.equals=yes", "ferry.offset-sync.interval=1h"));
        settings.addAll(List.of(extra));
        return FerryRunner.start(clusters, settings.toArray(String[]::new));
    }

    private static void awaitCopies(int expected) {
        await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").size() == expected);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
