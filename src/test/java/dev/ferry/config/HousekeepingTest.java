package dev.ferry.config;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.TopicProvisioningException;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.support.Plans;
import dev.ferry.topology.CountersLog;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The background checks against a real broker: what runs when, and what stops Ferry. */
class HousekeepingTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final ReplicationPlan PLAN = Plans.plan(Plans.stream("orders", "orders", "east.orders", null));

    private static EmbeddedKafkaKraftBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        admin = Admin.create(Map.of("bootstrap.servers", broker.getBrokersAsString()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.destroy();
    }

    @Test
    void aTopicCheckWaitingOnASlowClusterDoesNotDelayTheClusterChecks() throws Exception {
        ClusterMonitor monitor = monitor(admin);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Housekeeping housekeeping = housekeeping(monitor, () -> {
            entered.countDown();
            waitFor(release);
        }, reason -> { });
        housekeeping.start();
        try {
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("topic check ran").isTrue();
            Instant blocked = Instant.now();
            // readiness reads the monitor's last answer: it must stay fresh while the topic check hangs
            await().atMost(Duration.ofSeconds(30)).until(() -> monitor.status().lastSuccess() != null
                    && monitor.status().lastSuccess().isAfter(blocked.plusMillis(500)));
        } finally {
            release.countDown();
            housekeeping.stop();
        }
    }

    @Test
    void anUnfitTopicStopsFerryButACheckThatFailsOtherwiseIsRetried() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        AtomicReference<String> stopped = new AtomicReference<>();
        Housekeeping housekeeping = housekeeping(monitor(admin), () -> {
            int check = checks.incrementAndGet();
            if (check == 1) {
                throw new NullPointerException();   // no message: must not end the checks either
            }
            if (check == 2) {
                throw new IllegalStateException("the cluster refused describing topic 'east.orders'");
            }
            throw new TopicProvisioningException("destination topic 'east.orders' has 1 partition(s), but source topic 'orders' has 3");
        }, stopped::set);
        housekeeping.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> stopped.get() != null);
            Thread.sleep(10 * INTERVAL.toMillis());   // ten more rounds: no topic check once Ferry is stopping
            assertThat(checks.get()).isEqualTo(3);
            assertThat(stopped.get()).contains("destination topic became unfit").contains("'east.orders' has 1 partition(s)");
        } finally {
            housekeeping.stop();
        }
    }

    @Test
    void noTopicCheckWhileAClusterDoesNotAnswer() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Admin unreachable = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort, "request.timeout.ms", 1_000,
                "default.api.timeout.ms", 1_000))) {
            ClusterMonitor reachable = monitor(admin);
            ClusterMonitor down = new ClusterMonitor(new ClusterRef("destination", "west", "127.0.0.1:" + closedPort), unreachable,
                    Duration.ofMillis(200), Clock.systemUTC());
            AtomicInteger checks = new AtomicInteger();
            Housekeeping housekeeping = new Housekeeping(List.of(reachable, down), checks::incrementAndGet,
                    new CountersLog(new ReplicationCounters(PLAN)), INTERVAL, Duration.ofHours(1), null, Duration.ofHours(1), reason -> { });
            housekeeping.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> reachable.status().reachable() && down.status().error() != null
                        && !down.status().error().equals("not checked yet"));
                Thread.sleep(10 * INTERVAL.toMillis());   // ten rounds of both checks
                assertThat(checks.get()).isZero();
            } finally {
                housekeeping.stop();
            }
        }
    }

    private static ClusterMonitor monitor(Admin admin) {
        return new ClusterMonitor(new ClusterRef("source", "east", broker.getBrokersAsString()), admin, Duration.ofSeconds(5), Clock.systemUTC());
    }

    private static Housekeeping housekeeping(ClusterMonitor monitor, Runnable topicCheck, Consumer<String> stop) {
        return new Housekeeping(List.of(monitor), topicCheck, new CountersLog(new ReplicationCounters(PLAN)), INTERVAL,
                Duration.ofHours(1), null, Duration.ofHours(1), stop);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
