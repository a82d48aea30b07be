package dev.ferry;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.SecuredClusters;
import dev.ferry.support.SecuredClusters.Acl;
import dev.ferry.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ferry against secured clusters (SASL_SSL + SCRAM-SHA-512 source, mTLS destination, standard authorizer, no
 * allow-everyone fallback), with exactly the ACLs README "Security" lists and nothing more: copying, destination topic
 * creation, following topic settings, offset sync, the tail read after a restart and dead-lettering all work.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecuredClustersTest {

    static final String APP = "ferry-east-to-west";

    @TempDir
    static Path dir;
    static SecuredClusters clusters;

    @BeforeAll
    static void start() throws Exception {
        clusters = new SecuredClusters(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clusters != null) {
            clusters.close();
        }
    }

    @AfterEach
    void revoke() throws Exception {
        clusters.revokeAll();
    }

    /** README "Security", source cluster: copying {@code topic} (READ, DESCRIBE_CONFIGS) with Ferry's own group (READ). */
    static List<Acl> sourceCopyAcls(String topic) {
        String ferry = SecuredClusters.SOURCE_PRINCIPAL;
        return List.of(
                Acl.literal(ferry, ResourceType.TOPIC, topic, AclOperation.READ),
                Acl.literal(ferry, ResourceType.TOPIC, topic, AclOperation.DESCRIBE_CONFIGS),
                Acl.literal(ferry, ResourceType.GROUP, APP, AclOperation.READ));
    }

    /** README "Security", destination cluster: the copies' topic and the dead-letter topic (Ferry creates both). */
    static List<Acl> destinationCopyAcls(String topic, String deadLetters) {
        String ferry = SecuredClusters.DESTINATION_PRINCIPAL;
        List<Acl> acls = new ArrayList<>();
        for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ, AclOperation.ALTER_CONFIGS,
                AclOperation.ALTER)) {
            acls.add(Acl.literal(ferry, ResourceType.TOPIC, topic, operation));
        }
        acls.add(Acl.literal(ferry, ResourceType.TOPIC, deadLetters, AclOperation.CREATE));
        acls.add(Acl.literal(ferry, ResourceType.TOPIC, deadLetters, AclOperation.WRITE));
        return acls;
    }

    /** README "Security", offset sync: DESCRIBE on the source groups, READ on the same groups on the destination. */
    static final Acl SOURCE_GROUPS = Acl.literal(SecuredClusters.SOURCE_PRINCIPAL, ResourceType.GROUP, "*", AclOperation.DESCRIBE);
    static final Acl DESTINATION_GROUPS = Acl.literal(SecuredClusters.DESTINATION_PRINCIPAL, ResourceType.GROUP, "*", AclOperation.READ);

    static List<Acl> sourceAcls(String topic) {
        List<Acl> acls = new ArrayList<>(sourceCopyAcls(topic));
        acls.add(SOURCE_GROUPS);
        return acls;
    }

    static List<Acl> destinationAcls(String topic, String deadLetters) {
        List<Acl> acls = new ArrayList<>(destinationCopyAcls(topic, deadLetters));
        acls.add(DESTINATION_GROUPS);
        return acls;
    }

    /** Each ACL that copying needs, taken away in turn (10 cases): Ferry refuses to start, naming it. */
    static IntStream copyAcls() {
        return IntStream.range(0, sourceCopyAcls("x").size() + destinationCopyAcls("x", "y").size());
    }

    @ParameterizedTest(name = "copy ACL #{0} taken away")
    @MethodSource("copyAcls")
    void withoutAnAclThatCopyingNeedsFerryRefusesToStartNamingItAndTheFix(int index, CapturedOutput output) throws Exception {
        String topic = "acl" + index;
        List<Acl> source = new ArrayList<>(sourceAcls(topic));
        List<Acl> destination = new ArrayList<>(destinationAcls("east." + topic, topic + ".dlq"));
        Acl removed = index < 3 ? source.remove(index) : destination.remove(index - 3);
        clusters.createSourceTopic(topic, 1);
        Refusal refusal = refusal(output, source, destination, "ferry.streams[0].source=" + topic, "ferry.streams[0].destination=east." + topic,
                "ferry.streams[0].dead-letter-topic=" + topic + ".dlq");
        refusal.print("without " + removed);
        String line = refusal.report().lines().filter(l -> l.contains(" may not ") && l.contains("'" + removed.name() + "'")).findFirst()
                .orElseThrow(() -> new AssertionError("no line names " + removed + " in:\n" + refusal.report()));
        assertThat(line).contains(removed.principal() + " may not ").contains(removed.operation().name())
                .contains(removed.type().name().toLowerCase(Locale.ROOT) + " '" + removed.name() + "'")
                .contains("kafka-acls.sh --bootstrap-server " + (index < 3 ? clusters.sourceServers() : clusters.destinationServers()))
                .contains("--allow-principal '" + removed.principal() + "'");
        // nothing else is reported missing
        assertThat(refusal.report().lines().filter(l -> l.contains(" may not "))).hasSize(1);
        assertThat(refusal.events()).hasSizeLessThan(60);
    }

    @Test
    void everyFeatureRunsWithExactlyTheDocumentedAcls(CapturedOutput output) throws Exception {
        String topic = "orders";
        clusters.createSourceTopic(topic, 2);
        clusters.grantOnSource(sourceAcls(topic));
        clusters.grantOnDestination(destinationAcls("east.orders", "orders.dlq"));
        List<String> values = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = clusters.sourceProducer()) {
            for (int i = 0; i < 100; i++) {
                String value = i % 10 == 9 ? "not json " + i : "{\"n\":" + i + "}";
                values.add(value);
                producer.send(new ProducerRecord<>(topic, i % 2, null, value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        // a consumer group on the source that read the first 20 records of each partition
        try (KafkaConsumer<byte[], byte[]> consumer = clusters.sourceConsumer("billing")) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(20), new TopicPartition(topic, 1), new OffsetAndMetadata(20)));
        }

        try (ConfigurableApplicationContext ferry = startFerry()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> end("east.orders") == 90 && end("orders.dlq") == 10);
            // offset sync: 20 source records per partition were read, 18 of them copied (every tenth went to dead letters)
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("billing", "east.orders").values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 36);
            assertThat(Actuator.get(ferry, "/actuator/health/offsetSync").body()).contains("\"status\":\"UP\"");
            // no secret in any answer of the management port
            for (String path : List.of("/actuator/health", "/actuator/info", "/actuator/offsets", "/actuator/offsets/billing", "/actuator/prometheus")) {
                assertThat(Actuator.get(ferry, path).body()).as(path).doesNotContain(SecuredClusters.FERRY_PASSWORD)
                        .doesNotContain(TestCertificates.PASSWORD);
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = clusters.sourceProducer()) {
            for (int i = 100; i < 120; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        // the restarted Ferry reads the destination's tail and copies only what is new
        try (ConfigurableApplicationContext ferry = startFerry()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> end("east.orders") == 110);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> end("east.orders") == 110);
        }
        assertThat(output.getAll()).doesNotContain(SecuredClusters.FERRY_PASSWORD).doesNotContain(TestCertificates.PASSWORD);
    }

    @Test
    void aTopicThatAPatternMatchesLaterWithoutReadStopsFerryWithTheSameLine(CapturedOutput output) throws Exception {
        String ferry = SecuredClusters.SOURCE_PRINCIPAL;
        String west = SecuredClusters.DESTINATION_PRINCIPAL;
        clusters.createSourceTopic("late.a", 1);
        // everything for late.a; on the source only DESCRIBE for the rest of late.*, so late.b is visible but not readable
        List<Acl> source = new ArrayList<>(sourceCopyAcls("late.a"));
        source.add(new Acl(ferry, ResourceType.TOPIC, "late.", PatternType.PREFIXED, AclOperation.DESCRIBE));
        List<Acl> destination = new ArrayList<>();
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ, AclOperation.ALTER_CONFIGS, AclOperation.ALTER)) {
            destination.add(new Acl(west, ResourceType.TOPIC, "east.late.", PatternType.PREFIXED, op));
        }
        clusters.grantOnSource(source);
        clusters.grantOnDestination(destination);
        try (ConfigurableApplicationContext context = startFerry(List.of("ferry.streams[0].name=late", "ferry.streams[0].source-pattern=late\\..*",
                "ferry.streams[0].rename=east.${topic}"), "ferry.offset-sync.enabled=false")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> Actuator.get(context, "/actuator/health/readiness").body().contains("\"status\":\"UP\""));
            clusters.createSourceTopic("late.b", 1);
            // whichever notices first - the topic check, or Kafka Streams' consumer refused a fetch - names the same ACL
            String expected = "Source cluster 'east' (" + clusters.sourceServers() + "): User:ferry may not READ";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Actuator.get(context, "/actuator/health/liveness").body())
                    .contains("\"status\":\"DOWN\"").contains(expected).contains("topic 'late.b'").contains("--operation Read")
                    .contains("--topic 'late.b'"));
            assertThat(output.getAll()).contains(expected);
        }
    }

    @Test
    void writeTakenAwayWhileRunningStopsFerryNamingTheClusterPrincipalAndTopicInAFewLines(CapturedOutput output) throws Exception {
        String topic = "revoked";
        clusters.createSourceTopic(topic, 1);
        clusters.grantOnSource(sourceAcls(topic));
        List<Acl> destination = destinationAcls("east." + topic, topic + ".dlq");
        clusters.grantOnDestination(destination);
        try (ConfigurableApplicationContext ferry = startFerry("ferry.streams[0].source=" + topic, "ferry.streams[0].destination=east." + topic,
                "ferry.streams[0].dead-letter-topic=" + topic + ".dlq", "ferry.offset-sync.enabled=false")) {
            produce(topic, 5);
            await().atMost(Duration.ofSeconds(60)).until(() -> end("east." + topic) == 5);
            Acl write = destination.stream().filter(a -> a.operation() == AclOperation.WRITE && a.name().equals("east." + topic)).findFirst().orElseThrow();
            clusters.destinationAdmin().deleteAcls(List.of(write.binding().toFilter())).all().get(30, TimeUnit.SECONDS);
            int before = output.getAll().length();
            long start = System.nanoTime();
            produce(topic, 5);
            String expected = "Destination cluster 'west' (" + clusters.destinationServers() + "): User:CN=ferry may not WRITE topic 'east." + topic + "'";
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Actuator.get(ferry, "/actuator/health/liveness").body())
                    .contains("\"status\":\"DOWN\"").contains(expected));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            List<String> events = output.getAll().substring(before).lines().filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).toList();
            System.out.printf("REFUSAL WRITE taken away while running: stopped after %d s, %d log events%n", seconds, events.size());
            assertThat(events).hasSizeLessThan(60);
            assertThat(end("east." + topic)).isEqualTo(5);
        }
    }

    @Test
    void withoutDescribeOnTheSourceGroupsFerryCopiesAndSaysOnceWhyOffsetSyncSeesNoGroup(CapturedOutput output) throws Exception {
        String topic = "nogroups";
        clusters.createSourceTopic(topic, 1);
        produce(topic, 10);
        commitOnSource("nogroups-readers", topic, 5);
        List<Acl> source = new ArrayList<>(sourceAcls(topic));
        source.remove(SOURCE_GROUPS);
        clusters.grantOnSource(source);
        clusters.grantOnDestination(destinationAcls("east." + topic, topic + ".dlq"));
        int before = output.getAll().length();
        try (ConfigurableApplicationContext ferry = startFerry("ferry.streams[0].source=" + topic, "ferry.streams[0].destination=east." + topic,
                "ferry.streams[0].dead-letter-topic=" + topic + ".dlq")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> end("east." + topic) == 10);
            // several rounds (1 s apart): the health says why, the log says it once
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Actuator.get(ferry, "/actuator/health/offsetSync").body())
                    .contains("\"status\":\"UNKNOWN\"").contains("--operation Describe --group '*'"));
            awaitRounds(ferry, 3);
            String log = output.getAll().substring(before);
            assertThat(log.split("Offset sync sees no consumer group on Source cluster 'east'", -1)).hasSize(2);
            assertThat(log).contains("allow User:ferry to: kafka-acls.sh --bootstrap-server " + clusters.sourceServers());
            assertThat(committedOnDestination("nogroups-readers")).isEmpty();
        }
    }

    @Test
    void withoutReadOnTheDestinationGroupsFerryCopiesAndOffsetSyncReportsTheMissingAcl(CapturedOutput output) throws Exception {
        String topic = "nocommit";
        clusters.createSourceTopic(topic, 1);
        produce(topic, 10);
        commitOnSource("nocommit-readers", topic, 5);
        List<Acl> destination = new ArrayList<>(destinationAcls("east." + topic, topic + ".dlq"));
        destination.remove(DESTINATION_GROUPS);
        clusters.grantOnSource(sourceAcls(topic));
        clusters.grantOnDestination(destination);
        int before = output.getAll().length();
        try (ConfigurableApplicationContext ferry = startFerry("ferry.streams[0].source=" + topic, "ferry.streams[0].destination=east." + topic,
                "ferry.streams[0].dead-letter-topic=" + topic + ".dlq", "ferry.offset-sync.groups[0]=nocommit-.*")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> end("east." + topic) == 10);
            String expected = "User:CN=ferry may not READ group 'nocommit-readers'";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Actuator.get(ferry, "/actuator/health/offsetSync").body())
                    .contains("\"status\":\"DOWN\"").contains(expected).contains("--operation Read --group 'nocommit-readers'"));
            // the dry run answers 403 with the same sentence, not a 500
            HttpResponse<String> dryRun = Actuator.get(ferry, "/actuator/offsets/nocommit-readers");
            assertThat(dryRun.statusCode()).isEqualTo(403);
            assertThat(dryRun.body()).contains(expected);
            // rounds go on every second; the same failure is logged once
            awaitRounds(ferry, 3);
            String log = output.getAll().substring(before);
            assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains(expected))).hasSize(1);
            // copying went on
            assertThat(Actuator.get(ferry, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        }
    }

    /** Waits until {@code rounds} more offset-sync rounds have finished (health's lastRound changed that often). */
    private static void awaitRounds(ConfigurableApplicationContext ferry, int rounds) {
        Pattern last = Pattern.compile("\"lastRound\":\"([^\"]+)\"");
        Set<String> seen = new HashSet<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Matcher m = last.matcher(Actuator.get(ferry, "/actuator/health/offsetSync").body());
            if (m.find()) {
                seen.add(m.group(1));
            }
            return seen.size() > rounds;
        });
    }

    private void produce(String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = clusters.sourceProducer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private void commitOnSource(String group, String topic, long offset) throws Exception {
        clusters.sourceAdmin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)))
                .all().get(30, TimeUnit.SECONDS);
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOnDestination(String group) throws Exception {
        return clusters.destinationAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWrongPasswordIsRefusedSoonInAFewLines(CapturedOutput output) throws Exception {
        Refusal refusal = refusal(output, "ferry.source.properties[sasl.jaas.config]=org.apache.kafka.common.security.scram.ScramLoginModule "
                + "required username=\"ferry\" password=\"wrong-secret-3e1\";");
        refusal.print("wrong password");
        assertThat(refusal.report()).contains("Source cluster 'east' (" + clusters.sourceServers() + ") rejected the SASL credentials of User:ferry")
                .contains("sasl.jaas.config in ferry.source.properties");
        assertThat(refusal.output()).doesNotContain("wrong-secret-3e1");
        refusal.assertShort();
    }

    @Test
    void anUntrustedClientCertificateIsRefusedSoonInAFewLines(CapturedOutput output) throws Exception {
        Path selfSigned = clusters.certificates().keystore("ferry-self-signed", "ip:127.0.0.1", false, false);
        Refusal refusal = refusal(output, "ferry.destination.properties[ssl.keystore.location]=" + selfSigned);
        refusal.print("untrusted client certificate");
        assertThat(refusal.report()).contains("Destination cluster 'west' (" + clusters.destinationServers() + ") refused the TLS connection: "
                + "the broker rejected Ferry's client certificate (CN=ferry-self-signed").contains("ssl.keystore.location in ferry.destination.properties");
        refusal.assertShort();
    }

    @Test
    void anExpiredClientCertificateIsRefusedSoonInAFewLines(CapturedOutput output) throws Exception {
        Path expired = clusters.certificates().keystore("ferry-expired", "ip:127.0.0.1", true, true);
        Refusal refusal = refusal(output, "ferry.destination.properties[ssl.keystore.location]=" + expired);
        refusal.print("expired client certificate");
        assertThat(refusal.report()).contains("refused the TLS connection: Ferry's client certificate (CN=ferry-expired) expired on ")
                .contains("Renew it");
        refusal.assertShort();
    }

    @Test
    void anUntrustedBrokerCertificateIsRefusedSoonInAFewLines(CapturedOutput output) throws Exception {
        // a trust store that holds only some other certificate, not the authority that signed the brokers'
        Path other = clusters.certificates().keystore("someone-else", "ip:127.0.0.1", false, false);
        Refusal refusal = refusal(output, "ferry.source.properties[ssl.truststore.location]=" + other);
        refusal.print("untrusted broker certificate");
        assertThat(refusal.report()).contains("Source cluster 'east' (" + clusters.sourceServers() + ") refused the TLS connection: "
                + "Ferry does not trust the broker's certificate").contains("ssl.truststore.location");
        refusal.assertShort();
    }

    @Test
    void aBrokerCertificateForAnotherHostIsRefusedSoonInAFewLines(CapturedOutput output) throws Exception {
        String byName = clusters.sourceServers().replace("127.0.0.1", "localhost");
        Refusal refusal = refusal(output, "ferry.source.bootstrap-servers=" + byName);
        refusal.print("broker certificate for another host");
        assertThat(refusal.report()).contains("Source cluster 'east' (" + byName + ") refused the TLS connection: the broker's certificate is "
                + "not valid for the address Ferry connected to (No name matching localhost found)").contains("ferry.source.bootstrap-servers");
        refusal.assertShort();
    }

    /**
     * @param events log events (lines that start with a time stamp) from Ferry's start to its exit
     * @param report the failure report's description
     */
    record Refusal(Throwable failure, long seconds, List<String> events, String output, String report) {

        /** Gave up within the admin timeout (10 s here), in a handful of lines: Spring's dozen, and few from Kafka's clients. */
        void assertShort() {
            assertThat(seconds).isLessThanOrEqualTo(15);
            assertThat(events.stream().filter(e -> e.contains("o.a.k.") || e.contains("org.apache.kafka"))).hasSizeLessThan(20);
            assertThat(events).hasSizeLessThan(60);
        }

        void print(String what) {
            long kafka = events.stream().filter(e -> e.contains("o.a.k.") || e.contains("org.apache.kafka")).count();
            System.out.printf("REFUSAL %s: gave up after %d s, %d log events (%d from Kafka's clients); the report: %s%n", what, seconds,
                    events.size(), kafka, report.replace("Description:", "").strip());
        }
    }

    private Refusal refusal(CapturedOutput output, String... overrides) throws Exception {
        clusters.createSourceTopicIfMissing("refused", 2);
        List<String> settings = new ArrayList<>(List.of("ferry.streams[0].source=refused", "ferry.streams[0].destination=east.refused"));
        settings.addAll(List.of(overrides));
        return refusal(output, sourceAcls("refused"), destinationAcls("east.refused", "orders.dlq"), settings.toArray(String[]::new));
    }

    private Refusal refusal(CapturedOutput output, List<Acl> source, List<Acl> destination, String... overrides) throws Exception {
        clusters.grantOnSource(source);
        clusters.grantOnDestination(destination);
        int before = output.getAll().length();
        long start = System.nanoTime();
        Throwable failure = null;
        List<String> settings = new ArrayList<>(List.of("ferry.admin-timeout=10s", "logging.level.org.apache.kafka=INFO"));
        settings.addAll(List.of(overrides));
        try (ConfigurableApplicationContext ferry = startFerry(settings.toArray(String[]::new))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !ferry.isActive());
        } catch (Exception e) {
            failure = e;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String text = output.getAll().substring(before);
        List<String> events = text.lines().filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).toList();
        assertThat(failure).as("Ferry refused to start").isNotNull();
        assertThat(output.getAll()).doesNotContain(SecuredClusters.FERRY_PASSWORD).doesNotContain(TestCertificates.PASSWORD);
        // the failure report Spring Boot prints (FerryFailureAnalyzer's description)
        int description = text.indexOf("Description:");
        String report = description < 0 ? "" : text.substring(description, text.indexOf("Action:", description));
        return new Refusal(failure, seconds, events, text, report);
    }

    /** Ferry with stream {@code orders} (a JSON filter, dead letters) and offset sync every second, under {@code overrides}. */
    private ConfigurableApplicationContext startFerry(String... overrides) throws Exception {
        return startFerry(List.of("ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=east.orders",
                "ferry.streams[0].filter.json.path=/n", "ferry.streams[0].filter.json.gte=0", "ferry.streams[0].on-error=dead-letter"), overrides);
    }

    private ConfigurableApplicationContext startFerry(List<String> streams, String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(clusters.ferrySettings());
        settings.addAll(streams);
        settings.add("ferry.offset-sync.interval=1s");
        settings.addAll(List.of(overrides));
        return FerryRunner.start(clusters.sourceServers(), clusters.destinationServers(), settings.toArray(String[]::new));
    }

    private long end(String topic) throws Exception {
        var partitions = clusters.destinationAdmin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return clusters.destinationAdmin().listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group, String topic) throws Exception {
        return clusters.destinationAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }
}
