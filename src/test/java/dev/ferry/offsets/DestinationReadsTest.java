package dev.ferry.offsets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many searches over many real destination partitions, read in shared rounds ({@link DestinationReads}), give exactly
 * the answers of one search at a time over the same log held in a list, for logs with filtered records, re-copied
 * runs after a crash and records that are not copies; and the rounds are about as many as one search's steps.
 */
class DestinationReadsTest {

    private static final int PARTITIONS = 8;

    @Test
    void sharedReadRoundsGiveTheSameAnswersAsOneSearchAtATime() throws Exception {
        Random random = new Random(7);
        Map<Integer, ListLog> expected = new HashMap<>();
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createDestinationTopic("east.orders", PARTITIONS);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.destinationServers())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    ListLog log = new ListLog();
                    long source = 0;
                    for (int i = 0; i < 600; i++) {
                        int dice = random.nextInt(100);
                        if (dice < 3 && source > 40) {
                            source -= 1 + random.nextInt(30);   // a crash: a run copied again
                        } else if (dice < 30) {
                            source += 1 + random.nextInt(5);    // filtered records: never copied
                        } else if (dice < 32) {
                            producer.send(new ProducerRecord<>("east.orders", p, null, bytes("not a copy")));
                            log.foreign();
                            continue;
                        }
                        producer.send(copy(p, source));
                        log.copy("orders", p, source);
                        source++;
                    }
                    producer.flush();
                    expected.put(p, log);
                }
            }
            OffsetTranslator translator = new OffsetTranslator(50);
            Map<String, Object> config = Map.of("bootstrap.servers", clusters.destinationServers(), "max.poll.records", 500, "fetch.max.wait.ms", 5);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                DestinationReads reads = new DestinationReads(consumer, new SourceHeaders("ferry."));
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition("east.orders", p));
                }
                reads.open(partitions);
                // 40 "groups", each committed somewhere on every partition, searched together
                Map<OffsetTranslator.Search, TopicPartition> searches = new HashMap<>();
                Map<OffsetTranslator.Search, Long> answers = new HashMap<>();
                int maxSteps = 0;
                for (int group = 0; group < 40; group++) {
                    for (TopicPartition tp : partitions) {
                        long committed = random.nextInt(1_200);
                        OffsetTranslator.Search search = translator.search("orders", tp.partition(), committed, reads.start(tp), reads.end(tp));
                        searches.put(search, tp);
                        ListLog log = expected.get(tp.partition());
                        OffsetTranslator.Result one = translator.toDestination(log, "orders", tp.partition(), committed);
                        answers.put(search, one.offset());
                        maxSteps = Math.max(maxSteps, one.fetches());
                    }
                }
                List<OffsetTranslator.Search> open = new ArrayList<>(searches.keySet());
                while (!open.isEmpty()) {
                    Map<OffsetTranslator.Search, DestinationReads.Read> wanted = new HashMap<>();
                    open.forEach(s -> wanted.put(s, new DestinationReads.Read(searches.get(s), s.nextOffset(), s.nextMax())));
                    Map<DestinationReads.Read, List<PartitionLog.Copy>> got = reads.read(new HashSet<>(wanted.values()));
                    wanted.forEach((s, read) -> s.accept(got.get(read)));
                    open.removeIf(OffsetTranslator.Search::done);
                }
                searches.keySet().forEach(s -> assertThat(s.result().offset()).as("search on " + searches.get(s)).isEqualTo(answers.get(s)));
                System.out.printf("DESTINATION READS: %d searches over %d partitions in %d fetch rounds (one search alone: up to %d reads)%n",
                        searches.size(), PARTITIONS, reads.rounds(), maxSteps);
                // 320 searches that would each take up to ~a dozen reads; shared rounds and kept ranges take about one search's worth
                assertThat(reads.rounds()).isLessThanOrEqualTo(3 * maxSteps);
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> copy(int partition, long offset) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("east.orders", partition, null, bytes("v" + offset));
        r.headers().add(new RecordHeader("ferry.source.topic", bytes("orders")));
        r.headers().add(new RecordHeader("ferry.source.partition", bytes(Integer.toString(partition))));
        r.headers().add(new RecordHeader("ferry.source.offset", bytes(Long.toString(offset))));
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
