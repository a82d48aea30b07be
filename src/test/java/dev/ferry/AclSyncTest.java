package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ACL sync on the secured clusters of {@link SecuredClustersTest}: an application that may read topics and commit as its
 * group on the source (SCRAM user {@code app}) fails over to the destination (certificate {@code CN=app}) with nothing
 * granted there by hand, and may still not write a topic of copies.
 */
@ExtendWith(OutputCaptureExtension.class)
class AclSyncTest {

    private static final String APP_SOURCE = "User:" + SecuredClusters.APP;
    private static final String APP_DESTINATION = "User:CN=" + SecuredClusters.APP;
    private static final List<String> TOPICS = List.of("orders", "payments", "invoices");
    private static final List<String> COPIES = List.of("east.orders", "east.payments", "invoices");

    @TempDir
    static Path dir;
    static SecuredClusters clusters;

    @BeforeAll
    static void start() throws Exception {
        clusters = new SecuredClusters(dir);
        clusters.createSourceTopic("orders", 2);
        clusters.createSourceTopic("payments", 1);
        clusters.createSourceTopic("invoices", 1);
        try (KafkaProducer<byte[], byte[]> producer = clusters.sourceProducer()) {
            for (String topic : TOPICS) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, topic.equals("orders") ? i % 2 : 0, null, (topic + i).getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }
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

    @Test
    void aConsumerAllowedOnTheSourceReadsAndCommitsOnTheDestinationAfterFailover(CapturedOutput output) throws Exception {
        grantFerry(true);
        List<Acl> app = List.of(
                Acl.literal(APP_SOURCE, ResourceType.TOPIC, "orders", AclOperation.READ),
                Acl.literal(APP_SOURCE, ResourceType.TOPIC, "orders", AclOperation.WRITE),   // never write access to a topic of copies
                new Acl(APP_SOURCE, ResourceType.TOPIC, "pay", PatternType.PREFIXED, AclOperation.READ),
                Acl.literal(APP_SOURCE, ResourceType.TOPIC, "invoices", AclOperation.ALL),
                Acl.literal(APP_SOURCE, ResourceType.GROUP, "billing", AclOperation.READ),
                Acl.literal("User:intern", ResourceType.GROUP, "billing", AclOperation.READ));   // may commit, but read no topic
        clusters.grantOnSource(app);
        // the application read 5 records of each partition on the source, as itself
        try (KafkaConsumer<byte[], byte[]> consumer = clusters.sourceConsumerAsApp("billing")) {
            consumer.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(5), new TopicPartition("orders", 1),
                    new OffsetAndMetadata(5), new TopicPartition("payments", 0), new OffsetAndMetadata(5), new TopicPartition("invoices", 0),
                    new OffsetAndMetadata(5)));
        }

        try (ConfigurableApplicationContext ferry = startFerry()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> COPIES.stream().mapToLong(this::end).sum() == 60);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedOnDestination("billing") == 20);
            await().atMost(Duration.ofSeconds(30)).until(() -> Actuator.get(ferry, "/actuator/health/aclSync").body().contains("\"inSync\":6"));
            assertThat(destinationBindings(APP_DESTINATION)).containsExactlyInAnyOrder(
                    "ALLOW READ topic LITERAL east.orders",
                    "ALLOW READ topic PREFIXED east.pay",
                    "ALLOW READ topic LITERAL invoices",
                    "ALLOW DESCRIBE_CONFIGS topic LITERAL invoices",
                    "ALLOW READ group LITERAL billing");
            assertThat(destinationBindings(SecuredClusters.DESTINATION_PRINCIPAL)).as("Ferry's own source rights are not copied")
                    .doesNotContain("ALLOW DESCRIBE_CONFIGS topic LITERAL east.orders");
            // the failover dry run says, per principal that may read the group on the source, whether it may on the destination
            String dryRun = Actuator.get(ferry, "/actuator/offsets/billing").body();
            assertThat(dryRun).contains("{\"sourcePrincipal\":\"User:app\",\"destinationPrincipal\":\"User:CN=app\",\"allowed\":true,\"missing\":[]}",
                    "{\"sourcePrincipal\":\"User:intern\",\"destinationPrincipal\":\"User:CN=intern\",\"allowed\":false,\"missing\":"
                            + "[\"READ on topic 'east.orders'\",\"READ on topic 'east.payments'\",\"READ on topic 'invoices'\"]}");

            // failover: the application starts on the destination, as itself, where nobody granted it anything by hand
            List<String> received = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = clusters.destinationConsumerAsApp("billing")) {
                consumer.subscribe(COPIES);
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(new String(r.value(), StandardCharsets.UTF_8)));
                    return received.size() >= 40;
                });
                consumer.commitSync();
            }
            assertThat(received).as("every record after the group's source offsets: 10 orders, 15 payments, 15 invoices").hasSize(40);
            assertThat(new HashSet<>(received)).hasSize(40);
            try (KafkaProducer<byte[], byte[]> producer = clusters.destinationProducerAsApp()) {
                for (String topic : COPIES) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, 0, null, new byte[1])).get(30, TimeUnit.SECONDS)).as(topic)
                            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
                }
            }

            // a source binding taken away is reported, and the destination keeps it until someone removes it
            clusters.sourceAdmin().deleteAcls(List.of(Acl.literal(APP_SOURCE, ResourceType.TOPIC, "orders", AclOperation.READ).binding().toFilter()))
                    .all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> Actuator.get(ferry, "/actuator/health/aclSync").body()
                    .contains("ALLOW User:CN=app READ topic LITERAL 'east.orders'"));
            assertThat(destinationBindings(APP_DESTINATION)).contains("ALLOW READ topic LITERAL east.orders");
            assertThat(Actuator.get(ferry, "/actuator/prometheus").body())
                    .contains("ferry_acl_sync_bindings{state=\"no-longer-on-source\"} 1.0", "ferry_acl_sync_creations_total 6.0");
        }
        assertThat(output.getOut().lines().filter(l -> l.contains("ACL sync: the source no longer implies"))).as("said once").hasSize(1);
        assertThat(output.getAll()).doesNotContain(SecuredClusters.FERRY_PASSWORD).doesNotContain(SecuredClusters.APP_PASSWORD)
                .doesNotContain(TestCertificates.PASSWORD);
    }

    @Test
    void withoutTheRightsItNeedsOnlyTheSyncStopsAndNamesThem(CapturedOutput output) throws Exception {
        grantFerry(false);
        clusters.grantOnSource(List.of(Acl.literal(APP_SOURCE, ResourceType.TOPIC, "orders", AclOperation.READ)));
        try (ConfigurableApplicationContext ferry = startFerry()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> COPIES.stream().mapToLong(this::end).sum() == 60);
            await().atMost(Duration.ofSeconds(30)).until(() -> Actuator.get(ferry, "/actuator/health/aclSync").body().contains("\"status\":\"DOWN\""));
            String health = Actuator.get(ferry, "/actuator/health/aclSync").body();
            assertThat(health).contains("User:ferry may not DESCRIBE cluster", "User:CN=ferry may not ALTER cluster", "--operation Alter --cluster");
            assertThat(Actuator.get(ferry, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
            assertThat(destinationBindings(APP_DESTINATION)).isEmpty();
        }
        assertThat(output.getOut().lines().filter(l -> l.contains("ACL sync cannot run"))).as("said once").hasSize(1);
    }

    /** What copying and offset sync need (README "Security"), and with {@code aclSync} what ACL sync needs. */
    private static void grantFerry(boolean aclSync) throws Exception {
        List<Acl> source = new ArrayList<>();
        List<Acl> destination = new ArrayList<>();
        for (int i = 0; i < TOPICS.size(); i++) {
            source.addAll(SecuredClustersTest.sourceCopyAcls(TOPICS.get(i)));
            destination.addAll(SecuredClustersTest.destinationCopyAcls(COPIES.get(i), "unused.dlq"));
        }
        source.add(SecuredClustersTest.SOURCE_GROUPS);
        destination.add(SecuredClustersTest.DESTINATION_GROUPS);
        if (aclSync) {
            source.add(Acl.literal(SecuredClusters.SOURCE_PRINCIPAL, ResourceType.CLUSTER, "kafka-cluster", AclOperation.DESCRIBE));
            destination.add(Acl.literal(SecuredClusters.DESTINATION_PRINCIPAL, ResourceType.CLUSTER, "kafka-cluster", AclOperation.ALTER));
        }
        clusters.grantOnSource(source);
        clusters.grantOnDestination(destination);
    }

    private static ConfigurableApplicationContext startFerry() throws Exception {
        List<String> settings = new ArrayList<>(clusters.ferrySettings());
        settings.addAll(List.of(
                "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].rename=${source.alias}.${topic}",
                "ferry.streams[1].name=payments", "ferry.streams[1].source-pattern=pay.*", "ferry.streams[1].rename=${source.alias}.${topic}",
                "ferry.streams[2].name=invoices", "ferry.streams[2].source=invoices", "ferry.streams[2].destination=invoices",
                "ferry.offset-sync.interval=1s",
                "ferry.acl-sync.enabled=true", "ferry.acl-sync.interval=1s",
                "ferry.acl-sync.principal-mapping[0].match=User:(.*)", "ferry.acl-sync.principal-mapping[0].replacement=User:CN=$1"));
        return FerryRunner.start(clusters.sourceServers(), clusters.destinationServers(), settings.toArray(String[]::new));
    }

    /** The destination's bindings for {@code principal}, e.g. {@code ALLOW READ topic LITERAL east.orders}. */
    private static Set<String> destinationBindings(String principal) throws Exception {
        Set<String> bindings = new HashSet<>();
        AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(principal, null, AclOperation.ANY,
                org.apache.kafka.common.acl.AclPermissionType.ANY));
        for (AclBinding b : clusters.destinationAdmin().describeAcls(filter).values().get(30, TimeUnit.SECONDS)) {
            bindings.add(b.entry().permissionType() + " " + b.entry().operation() + " " + b.pattern().resourceType().name().toLowerCase() + " "
                    + b.pattern().patternType() + " " + b.pattern().name());
        }
        return bindings;
    }

    private long end(String topic) {
        try {
            var partitions = clusters.destinationAdmin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return clusters.destinationAdmin().listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            return -1;   // not created yet
        }
    }

    private static long committedOnDestination(String group) throws Exception {
        return clusters.destinationAdmin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).values()
                .stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
}
