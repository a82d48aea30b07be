package dev.ferry.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.config.KafkaSettings;
import dev.ferry.metrics.ReplicationMetrics;
import dev.ferry.metrics.WriteProgress;
import dev.ferry.service.FerryStop;
import dev.ferry.service.FerryStreamsConfig;
import dev.ferry.support.Copies;
import dev.ferry.support.Plans;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    private static final Map<String, Object> EU_ONLY = Map.of("header", Map.of("name", "region", "equals", "eu"));

    private static TopologyTestDriver driver(ReplicationPlan plan, ReplicationCounters counters) {
        return new TopologyTestDriver(ReplicationTopology.build(plan, counters), props(plan, counters));
    }

    /** The Streams settings the application uses ({@link FerryStreamsConfig}): on-error policies through Ferry's handlers. */
    private static Properties props(ReplicationPlan plan, ReplicationCounters counters) {
        return props(plan, counters, policies(plan, counters, new FerryStop()));
    }

    private static Properties props(ReplicationPlan plan, ReplicationCounters counters, ErrorPolicies policies) {
        Properties props = new Properties();
        props.putAll(FerryStreamsConfig.build(KafkaSettings.from(Plans.properties("unused:9092", "unused:9093")), plan, policies,
                new ReplicationMetrics(new SimpleMeterRegistry(), plan, counters, Clock.systemUTC()), new WriteProgress(Duration.ofSeconds(5), () -> 0)));
        return props;
    }

    private static ErrorPolicies policies(ReplicationPlan plan, ReplicationCounters counters, FerryStop stop) {
        return new ErrorPolicies(plan, counters, deadLetter -> {
            throw new AssertionError("no production errors in these tests");
        }, Clock.systemUTC(), stop);
    }

    private static TestInputTopic<byte[], byte[]> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static TestOutputTopic<byte[], byte[]> output(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> values(Headers headers, String name) {
        List<String> values = new ArrayList<>();
        headers.headers(name).forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
        return values;
    }

    private static TestRecord<byte[], byte[]> record(String key, byte[] value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], bytes(headers[i + 1]));
        }
        return new TestRecord<>(key == null ? null : bytes(key), value, h, T0);
    }

    @Test
    void copiesKeyValueAndTimestampUntouchedAndStampsSourceCoordinates() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders", "orders", "east.orders", null));
        byte[] value = {0, 1, 2, (byte) 0xff, 'x'};   // not text: bytes must pass untouched
        try (TopologyTestDriver driver = driver(plan, new ReplicationCounters(plan))) {
            input(driver, "orders").pipeInput(record("k1", value, "trace", "abc"));
            TestRecord<byte[], byte[]> copy = output(driver, "east.orders").readRecord();
            assertThat(copy.key()).isEqualTo(bytes("k1"));
            assertThat(copy.value()).isEqualTo(value);
            assertThat(copy.getRecordTime()).isEqualTo(T0);
            Headers h = copy.headers();
            assertThat(header(h, "trace")).isEqualTo("abc");
            assertThat(header(h, "ferry")).isEqualTo("east/orders-0@0");   // the compact form: cluster/topic-partition@offset
            assertThat(h.toArray()).extracting(Header::key).containsExactly("trace", "ferry");   // origin = source cluster: no header
        }
    }

    @Test
    void dropsFilteredRecordsAndStampsTheOffsetsOfThoseThatPass() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders-eu", "orders", "east.orders.eu", EU_ONLY));
        ReplicationCounters counters = new ReplicationCounters(plan);
        try (TopologyTestDriver driver = driver(plan, counters)) {
            TestInputTopic<byte[], byte[]> in = input(driver, "orders");
            String[] regions = {"eu", "us", "eu", "apac", "eu"};
            for (int i = 0; i < regions.length; i++) {
                in.pipeInput(record("k" + i, bytes("v" + i), "region", regions[i]));
            }
            List<TestRecord<byte[], byte[]>> copies = output(driver, "east.orders.eu").readRecordsToList();
            assertThat(copies).extracting(r -> header(r.headers(), "ferry")).containsExactly("east/orders-0@0", "east/orders-0@2", "east/orders-0@4");
            assertThat(copies).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("v0", "v2", "v4");
            StreamCounters.Snapshot c = counters.forStream("orders-eu").snapshot();
            assertThat(c.copied()).isEqualTo(3);
            assertThat(c.filtered()).isEqualTo(2);
            assertThat(c.copiedBytes()).isEqualTo(6);
        }
    }

    @Test
    void doesNotCopyRecordsThatOriginatedOnTheDestination() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders", "orders", "east.orders", null));
        ReplicationCounters counters = new ReplicationCounters(plan);
        try (TopologyTestDriver driver = driver(plan, counters)) {
            TestInputTopic<byte[], byte[]> in = input(driver, "orders");
            // copies written by an earlier Ferry, in the text form
            in.pipeInput(record("from-west", bytes("a"), "ferry.origin.cluster", "west", "ferry.source.cluster", "west"));
            in.pipeInput(record("from-north", bytes("b"), "ferry.origin.cluster", "north", "ferry.source.cluster", "north",
                    "ferry.source.offset", "77", "ferry.source.topic", "north-orders"));
            // first copies in the compact form: the origin is the source cluster of the compact header
            in.pipeInput(record("compact-from-west", bytes("c"), "ferry", "west/orders-2@9"));
            in.pipeInput(record("compact-from-north", bytes("d"), "ferry", "north/orders-1@3"));
            List<TestRecord<byte[], byte[]>> copies = output(driver, "east.orders").readRecordsToList();
            assertThat(copies).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("from-north", "compact-from-north");
            Headers h = copies.get(0).headers();
            assertThat(values(h, "ferry.origin.cluster")).containsExactly("north");   // first origin kept
            assertThat(values(h, "ferry")).containsExactly("east/orders-0@1");      // this hop, in the compact form
            assertThat(values(h, "ferry.source.cluster")).isEmpty();                // the previous hop's text headers are gone
            assertThat(values(h, "ferry.source.offset")).isEmpty();
            assertThat(values(h, "ferry.source.topic")).isEmpty();
            Headers second = copies.get(1).headers();
            assertThat(values(second, "ferry")).containsExactly("east/orders-0@3");
            assertThat(values(second, "ferry.origin.cluster")).containsExactly("north");   // now written: it is not this hop's cluster
            assertThat(counters.forStream("orders").snapshot().loops()).isEqualTo(2);
        }
    }

    @Test
    void passesTombstonesAndCountsMalformedValuesUnderJsonFilters() {
        ReplicationPlan plan = Plans.plan(Plans.stream("paid", "payments", "east.payments",
                Map.of("json", Map.of("path", "/status", "equals", "PAID")), ErrorPolicy.SKIP));
        ReplicationCounters counters = new ReplicationCounters(plan);
        try (TopologyTestDriver driver = driver(plan, counters)) {
            TestInputTopic<byte[], byte[]> in = input(driver, "payments");
            in.pipeInput(record("p1", bytes("{\"status\":\"PAID\"}")));
            in.pipeInput(record("p2", bytes("{\"status\":\"NEW\"}")));
            in.pipeInput(record("p3", bytes("{oops")));
            in.pipeInput(record("p1", null));
            List<TestRecord<byte[], byte[]>> copies = output(driver, "east.payments").readRecordsToList();
            assertThat(copies).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("p1", "p1");
            assertThat(copies.get(1).value()).isNull();
            assertThat(header(copies.get(1).headers(), "ferry")).isEqualTo("east/payments-0@3");
            StreamCounters.Snapshot c = counters.forStream("paid").snapshot();
            assertThat(c.copied()).isEqualTo(2);
            assertThat(c.filtered()).isEqualTo(1);
            assertThat(c.malformed()).isEqualTo(1);
        }
    }

    @Test
    void deadLettersAMalformedValueWithItsOriginalBytesHeadersAndTheReason() {
        ReplicationPlan plan = Plans.plan(Plans.stream("paid", "payments", "east.payments",
                Map.of("json", Map.of("path", "/status", "equals", "PAID")), ErrorPolicy.DEAD_LETTER));
        ReplicationCounters counters = new ReplicationCounters(plan);
        try (TopologyTestDriver driver = driver(plan, counters)) {
            TestInputTopic<byte[], byte[]> in = input(driver, "payments");
            in.pipeInput(record("p1", bytes("{oops"), "trace", "t-1"));
            in.pipeInput(record("p2", bytes("{\"status\":\"PAID\"}")));
            TestRecord<byte[], byte[]> dead = output(driver, "paid.dlq").readRecord();
            assertThat(dead.key()).isEqualTo(bytes("p1"));
            assertThat(dead.value()).isEqualTo(bytes("{oops"));
            assertThat(dead.getRecordTime()).isEqualTo(T0);
            Headers h = dead.headers();
            assertThat(header(h, "trace")).isEqualTo("t-1");
            assertThat(header(h, "ferry.error.reason")).isEqualTo("malformed-value");
            assertThat(header(h, "ferry.error.class")).isEqualTo("dev.ferry.filter.MalformedValueException");
            assertThat(header(h, "ferry.error.message")).startsWith("value is not valid JSON");
            assertThat(header(h, "ferry.error.stream")).isEqualTo("paid");
            assertThat(header(h, "ferry.source.topic")).isEqualTo("payments");
            assertThat(header(h, "ferry.source.offset")).isEqualTo("0");
            assertThat(output(driver, "east.payments").readRecordsToList()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("p2");   // the stream goes on
            StreamCounters.Snapshot c = counters.forStream("paid").snapshot();
            assertThat(c.malformed()).isEqualTo(1);
            assertThat(c.deadLettered()).isEqualTo(1);
        }
    }

    @Test
    void stopsOnAMalformedValueWhenTheStreamFails() {
        ReplicationPlan plan = Plans.plan(Plans.stream("paid", "payments", "east.payments",
                Map.of("json", Map.of("path", "/status", "equals", "PAID")), ErrorPolicy.FAIL));
        ReplicationCounters counters = new ReplicationCounters(plan);
        FerryStop stop = new FerryStop();
        try (TopologyTestDriver driver = new TopologyTestDriver(ReplicationTopology.build(plan, counters),
                props(plan, counters, policies(plan, counters, stop)))) {
            TestInputTopic<byte[], byte[]> in = input(driver, "payments");
            in.pipeInput(record("p0", bytes("{\"status\":\"PAID\"}")));
            assertThatThrownBy(() -> in.pipeInput(record("p1", bytes("not json"))))
                    .isInstanceOf(org.apache.kafka.streams.errors.StreamsException.class);
            assertThat(stop.reason()).startsWith("stream paid cannot copy payments-0@1 (malformed-value): value is not valid JSON");
            assertThat(output(driver, "east.payments").readRecordsToList()).hasSize(1);
        }
    }

    @Test
    void streamsSharingASourceTopicStampTheirOwnCopies() {
        ReplicationPlan plan = Plans.plan(
                Plans.stream("orders-eu", "orders", "east.orders.eu", EU_ONLY),
                Plans.stream("orders-all", "orders", "east.orders.all", null));
        try (TopologyTestDriver driver = driver(plan, new ReplicationCounters(plan))) {
            input(driver, "orders").pipeInput(record("k", bytes("v"), "region", "eu"));
            input(driver, "orders").pipeInput(record("k", bytes("w"), "region", "us"));
            List<TestRecord<byte[], byte[]>> eu = output(driver, "east.orders.eu").readRecordsToList();
            List<TestRecord<byte[], byte[]>> all = output(driver, "east.orders.all").readRecordsToList();
            assertThat(eu).hasSize(1);
            assertThat(all).hasSize(2);
            assertThat(values(eu.get(0).headers(), "ferry")).containsExactly("east/orders-0@0");
            assertThat(values(all.get(0).headers(), "ferry")).containsExactly("east/orders-0@0");
            assertThat(values(all.get(1).headers(), "ferry")).containsExactly("east/orders-0@1");
        }
    }

    @Test
    void aFailedTailReadIsNotTheRecordsFaultSoOnErrorDoesNotSkipIt() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders", "orders", "east.orders", null, ErrorPolicy.SKIP));
        ReplicationCounters counters = new ReplicationCounters(plan);
        FerryStop stop = new FerryStop();
        AtomicInteger reads = new AtomicInteger();
        CopiedTail tail = (destination, partition, sourceTopic, sourcePartition, from) -> {
            if (reads.incrementAndGet() == 1) {
                throw new org.apache.kafka.common.errors.TimeoutException("Timeout of 60000ms expired before the position could be determined");
            }
            return CopiedOffsets.NONE;
        };
        try (TopologyTestDriver driver = new TopologyTestDriver(ReplicationTopology.build(plan, counters, tail, TaskGuard.NONE),
                props(plan, counters, policies(plan, counters, stop)))) {
            TestInputTopic<byte[], byte[]> in = input(driver, "orders");
            assertThatThrownBy(() -> in.pipeInput(record("k0", bytes("v0"))))
                    .as("the thread fails (and is replaced) instead of skipping").isInstanceOf(org.apache.kafka.streams.errors.StreamsException.class);
            assertThat(stop.reason()).as("not a reason to stop Ferry").isNull();
            assertThat(counters.forStream("orders").snapshot().failed()).as("not counted as a failed record").isZero();
            assertThat(output(driver, "east.orders").readRecordsToList()).isEmpty();

            in.pipeInput(record("k0", bytes("v0")));   // what the replacement thread reads again
            assertThat(output(driver, "east.orders").readRecordsToList()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("v0");
            assertThat(reads.get()).isEqualTo(2);
        }
    }

    @Test
    void skipsRecordsTheDestinationAlreadyHasAfterARestart() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders-eu", "orders", "east.orders.eu", EU_ONLY),
                Plans.stream("payments", "payments", "east.payments", null, Partitioning.KEY_HASH));
        ReplicationCounters counters = new ReplicationCounters(plan);
        List<String> asked = new ArrayList<>();
        CopiedTail tail = (destination, partition, sourceTopic, sourcePartition, from) -> {
            asked.add(destination + "-" + partition + " <- " + sourceTopic + "-" + sourcePartition + " from " + from);
            return CopiedOffsets.of(0, 1, 2);   // source offsets 0..2 were copied before the crash
        };
        List<String> required = new ArrayList<>();
        TaskGuard guard = new TaskGuard() {
            @Override
            public void requirePartition(StreamMapping stream, String sourceTopic, int partition) {
                required.add(stream.name() + ": " + sourceTopic + "-" + partition);
            }

            @Override
            public void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied) {
                required.add("copied up to " + highestCopied);
            }
        };
        try (TopologyTestDriver driver = new TopologyTestDriver(ReplicationTopology.build(plan, counters, tail, guard), props(plan, counters))) {
            TestInputTopic<byte[], byte[]> orders = input(driver, "orders");
            TestInputTopic<byte[], byte[]> payments = input(driver, "payments");
            for (int i = 0; i < 5; i++) {
                orders.pipeInput(record("k" + i, bytes("v" + i), "region", i == 4 ? "us" : "eu"));
                payments.pipeInput(record("p" + i, bytes("v" + i)));
            }
            assertThat(output(driver, "east.orders.eu").readRecordsToList()).extracting(r -> header(r.headers(), "ferry"))
                    .containsExactly("east/orders-0@3");   // 0..2 were copied already, 4 is filtered out
            assertThat(output(driver, "east.payments").readRecordsToList()).hasSize(5);   // key-hash: no deduplication
            assertThat(counters.forStream("orders-eu").snapshot().duplicates()).isEqualTo(3);
            assertThat(counters.forStream("payments").snapshot().duplicates()).isZero();
            assertThat(asked).containsExactly("east.orders.eu-0 <- orders-0 from 0");   // once per source partition, not per record
            // the destination partition is made sure of before the first copy; key-hash lets the producer choose among existing ones
            assertThat(required).containsExactly("orders-eu: orders-0", "copied up to 2");
        }
    }

    @Test
    void aCopyMissingBelowLaterCopiesIsAGapFromWhichEverythingIsCopiedAgainInOrder() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders", "orders", "east.orders", null));
        ReplicationCounters counters = new ReplicationCounters(plan);
        // 3 and 4 expired in the producer after 5 and 6 had been acknowledged
        CopiedTail tail = (destination, partition, sourceTopic, sourcePartition, from) -> CopiedOffsets.of(0, 1, 2, 5, 6);
        try (TopologyTestDriver driver = new TopologyTestDriver(ReplicationTopology.build(plan, counters, tail, TaskGuard.NONE), props(plan, counters))) {
            TestInputTopic<byte[], byte[]> orders = input(driver, "orders");
            for (int i = 0; i < 9; i++) {
                orders.pipeInput(record("k" + i, bytes("v" + i)));
            }
            assertThat(output(driver, "east.orders").readRecordsToList()).extracting(r -> header(r.headers(), "ferry"))
                    .containsExactly("east/orders-0@3", "east/orders-0@4", "east/orders-0@5", "east/orders-0@6", "east/orders-0@7", "east/orders-0@8");
            StreamCounters c = counters.forStream("orders");
            assertThat(c.snapshot().duplicates()).as("0..2, before the gap").isEqualTo(3);
            assertThat(c.gapsFound()).isEqualTo(1);
            assertThat(c.recopied()).as("5 and 6, written again after the gap").isEqualTo(2);
        }
    }

    @Test
    void aRecordTheFilterDropsIsNoGap() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders-eu", "orders", "east.orders.eu", EU_ONLY));
        ReplicationCounters counters = new ReplicationCounters(plan);
        CopiedTail tail = (destination, partition, sourceTopic, sourcePartition, from) -> CopiedOffsets.of(0, 1, 2, 4, 5);
        try (TopologyTestDriver driver = new TopologyTestDriver(ReplicationTopology.build(plan, counters, tail, TaskGuard.NONE), props(plan, counters))) {
            TestInputTopic<byte[], byte[]> orders = input(driver, "orders");
            for (int i = 0; i < 7; i++) {
                orders.pipeInput(record("k" + i, bytes("v" + i), "region", i == 3 ? "us" : "eu"));
            }
            assertThat(output(driver, "east.orders.eu").readRecordsToList()).extracting(r -> header(r.headers(), "ferry"))
                    .containsExactly("east/orders-0@6");
            StreamCounters c = counters.forStream("orders-eu");
            assertThat(c.snapshot().duplicates()).isEqualTo(5);
            assertThat(c.snapshot().filtered()).isEqualTo(1);
            assertThat(c.gapsFound()).isZero();
            assertThat(c.recopied()).isZero();
        }
    }

    @Test
    void renamesEveryTopicAPatternMatches() {
        ReplicationPlan plan = Plans.plan(Plans.patternStream("audit", "audit\\..*", "${source.alias}.${topic}.${destination.alias}"));
        try (TopologyTestDriver driver = driver(plan, new ReplicationCounters(plan))) {
            input(driver, "audit.logins").pipeInput(record("u", bytes("login")));
            input(driver, "audit.admin").pipeInput(record("u", bytes("admin")));
            assertThat(output(driver, "east.audit.logins.west").readValue()).isEqualTo(bytes("login"));
            TestRecord<byte[], byte[]> admin = output(driver, "east.audit.admin.west").readRecord();
            assertThat(admin.value()).isEqualTo(bytes("admin"));
            assertThat(Copies.of(admin.headers()).topic()).isEqualTo("audit.admin");
        }
    }

    @Test
    void namesEveryProcessorAfterItsStream() {
        ReplicationPlan plan = Plans.plan(Plans.stream("orders-eu", "orders", "east.orders.eu", EU_ONLY));
        String description = ReplicationTopology.build(plan, new ReplicationCounters(plan)).describe().toString();
        assertThat(description).contains("Source: orders-eu-source (topics: [orders])", "Processor: orders-eu-copy",
                "Sink: orders-eu-sink (topic: east.orders.eu)").doesNotContain("Processor: orders-eu-filter");
    }

    @Test
    void preservePartitioningSendsEachCopyToItsSourcePartitionAndKeyHashLeavesItToTheProducer() {
        ReplicationPlan plan = Plans.plan(
                Plans.stream("kept", "orders", "east.orders", null, Partitioning.PRESERVE),
                Plans.stream("hashed", "payments", "east.payments", null, Partitioning.KEY_HASH));
        var preserve = ReplicationTopology.partitioner(plan.stream("kept"));
        assertThat(preserve.partitions("east.orders", bytes("k"), new Routed(bytes("v"), 2), 6)).isEqualTo(Optional.of(Set.of(2)));
        assertThat(preserve.partitions("east.orders", bytes("k"), new Routed(bytes("v"), 100), 200)).isEqualTo(Optional.of(Set.of(100)));
        // the producer's cached partition count lags behind a destination topic that just grew: the source partition still wins
        assertThat(preserve.partitions("east.orders", bytes("k"), new Routed(bytes("v"), 3), 3)).isEqualTo(Optional.of(Set.of(3)));
        assertThat(ReplicationTopology.partitioner(plan.stream("hashed"))).isNull();
    }

    @Test
    void refusesATopologyWithStateStores() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())).groupByKey().count(Materialized.as("counts"));
        Topology topology = builder.build();
        assertThatThrownBy(() -> ReplicationTopology.verifyStateless(topology.describe()))
                .hasMessageStartingWith("The replication topology must be stateless, but")
                .hasMessageContaining("uses state stores [counts]");
    }
}
