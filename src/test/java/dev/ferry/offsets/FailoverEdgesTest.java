package dev.ferry.offsets;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The edges a replicator's own suite tests, each against two real clusters with Ferry copying: a group committed on a
 * partition that is still empty, a group committed past what was copied so far, a group reset backwards on the source,
 * translation right after Ferry restarts, and a source partition whose head was deleted before it was copied.
 */
class FailoverEdgesTest {

    private static TwoClusters clusters;
    private static Admin source;
    private static Admin destination;
    private static ConfigurableApplicationContext ferry;

    @BeforeAll
    static void start() throws Exception {
        clusters = new TwoClusters();
        source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()));
        destination = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()));
        // edges-0 holds records 0..99; edges-1 stays empty; the head (0..29) of retained-0 is deleted before Ferry starts
        clusters.createSourceTopic("edges", 2);
        clusters.createSourceTopic("retained", 1);
        produce("edges", 0, 100);
        produce("retained", 0, 100);
        source.deleteRecords(Map.of(new TopicPartition("retained", 0), RecordsToDelete.beforeOffset(30))).all().get(30, TimeUnit.SECONDS);
        ferry = startFerry();
        await().atMost(Duration.ofSeconds(60)).until(() -> end("east.edges", 0) == 100 && end("east.retained", 0) == 70);
    }

    private static ConfigurableApplicationContext startFerry() {
        return FerryRunner.start(clusters,
                "ferry.streams[0].name=edges", "ferry.streams[0].source=edges", "ferry.streams[0].destination=east.edges",
                "ferry.streams[1].name=retained", "ferry.streams[1].source=retained", "ferry.streams[1].destination=east.retained",
                "ferry.offset-sync.interval=1h");   // rounds are run by the tests
    }

    @AfterAll
    static void stop() {
        if (ferry != null) {
            ferry.close();
        }
        source.close();
        destination.close();
        clusters.close();
    }

    @Test
    void aGroupCommittedAtZeroOnAnEmptyPartitionResumesAtZero() throws Exception {
        commit("empty-reader", "edges", 1, 0);
        Translation t = only(sync().translate("empty-reader"), 1);
        System.out.printf("EDGE empty partition: source committed 0, destination end %d -> resumes at %d%n", t.destinationEnd(), t.destinationOffset());
        assertThat(t.destinationOffset()).isZero();
        assertThat(t.destinationEnd()).isZero();
        assertThat(t.exact()).isTrue();
    }

    @Test
    void aGroupCommittedPastWhatWasCopiedResumesAtTheDestinationEndNeverPastIt() throws Exception {
        commit("ahead", "edges", 0, 250);   // further than the partition has ever been (its end is 100)
        Translation t = only(sync().translate("ahead"), 0);
        System.out.printf("EDGE committed past the copies: source committed 250 (source end 100), destination end %d -> resumes at %d%n",
                t.destinationEnd(), t.destinationOffset());
        assertThat(t.destinationOffset()).isEqualTo(100).isEqualTo(t.destinationEnd());
    }

    @Test
    void aGroupResetBackwardsOnTheSourceIsNotRewoundOnTheDestination() throws Exception {
        commit("rewound", "edges", 0, 80);
        assertThat(sync().commit("rewound").committed()).containsEntry(new TopicPartition("east.edges", 0), 80L);
        commit("rewound", "edges", 0, 20);   // an operator resets the group on the source
        GroupOffsetSync.CommitResult again = sync().commit("rewound");
        System.out.printf("EDGE reset backwards: source 80 -> 20; destination stays at %s (translation now %d)%n", again.kept(),
                only(again.translation(), 0).destinationOffset());
        assertThat(again.outcome()).isEqualTo(GroupOffsetSync.Outcome.UP_TO_DATE);
        assertThat(again.kept()).containsEntry(new TopicPartition("east.edges", 0), 80L);
        assertThat(destination.listConsumerGroupOffsets("rewound").partitionsToOffsetAndMetadata().get())
                .containsEntry(new TopicPartition("east.edges", 0), new OffsetAndMetadata(80, "ferry: translated from east"));
    }

    @Test
    void aPartitionWhoseHeadWasDeletedBeforeItWasCopiedTranslatesFromWhatIsThere() throws Exception {
        commit("late-reader", "retained", 0, 10);   // committed inside the deleted head (0..29)
        Translation t = only(sync().translate("late-reader"), 0);
        System.out.printf("EDGE deleted head: source committed 10, source log starts at 30, copies 0..69 of source 30..99 -> resumes at %d%n",
                t.destinationOffset());
        assertThat(t.destinationOffset()).isZero();   // the copy of source offset 30: nothing that still exists is skipped
        commit("late-reader", "retained", 0, 50);
        assertThat(only(sync().translate("late-reader"), 0).destinationOffset()).isEqualTo(20);   // the copy of 50
    }

    @Test
    void translationRightAfterARestartIsTheSame() throws Exception {
        commit("restarted", "edges", 0, 37);
        long before = only(sync().translate("restarted"), 0).destinationOffset();
        ferry.close();
        ferry = startFerry();
        long after = only(sync().translate("restarted"), 0).destinationOffset();   // at once, nothing waited for
        System.out.printf("EDGE restart: resumes at %d before and %d right after%n", before, after);
        assertThat(after).isEqualTo(before).isEqualTo(37);
    }

    private static GroupOffsetSync sync() {
        return ferry.getBean(GroupOffsetSync.class);
    }

    private static Translation only(GroupOffsetSync.GroupTranslation translation, int partition) {
        List<Translation> rows = translation.partitions().stream().filter(t -> t.sourcePartition() == partition).toList();
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static void commit(String group, String topic, int partition, long offset) throws Exception {
        source.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, partition), new OffsetAndMetadata(offset))).all().get(30, TimeUnit.SECONDS);
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static long end(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>(Map.of(tp, OffsetSpec.latest()));
        return destination.listOffsets(request).all().get(10, TimeUnit.SECONDS).get(tp).offset();
    }
}
