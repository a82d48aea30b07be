package dev.ferry.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.mapping.TopicProvisioningException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The rules every periodic check follows, driven one run at a time; and the schedule itself against a real broker. */
@ExtendWith(OutputCaptureExtension.class)
class PeriodicChecksTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    @Test
    void anUnfitTopicStopsFerryAndNoTopicCheckRunsAfterwards() {
        FerryStop stop = new FerryStop();
        AtomicBoolean halted = new AtomicBoolean();
        stop.onHalt(() -> halted.set(true));
        AtomicInteger runs = new AtomicInteger();
        PeriodicCheck topics = check("Topic check", () -> {
            runs.incrementAndGet();
            throw new TopicProvisioningException("destination topic 'east.orders' has 1 partition(s), but source topic 'orders' has 3");
        });
        AtomicInteger clusterChecks = new AtomicInteger();
        PeriodicCheck clusters = PeriodicCheck.always("Cluster check", Duration.ZERO, INTERVAL, false, clusterChecks::incrementAndGet);
        PeriodicChecks checks = new PeriodicChecks(List.of(topics, clusters), () -> true, stop);

        assertThat(checks.runOnce(topics)).isTrue();
        assertThat(stop.reason()).isEqualTo("destination topic 'east.orders' has 1 partition(s), but source topic 'orders' has 3");
        assertThat(halted).as("Kafka Streams halted").isTrue();

        assertThat(checks.runOnce(topics)).as("nothing is provisioned for a replication that is stopping").isFalse();
        assertThat(runs).hasValue(1);
        assertThat(checks.runOnce(clusters)).as("health keeps being fed").isTrue();
        assertThat(clusterChecks).hasValue(1);
    }

    @Test
    void anyOtherFailureIsLoggedOnceAndRetried(CapturedOutput output) {
        FerryStop stop = new FerryStop();
        AtomicInteger runs = new AtomicInteger();
        PeriodicCheck flaky = check("Topic check", () -> {
            int run = runs.incrementAndGet();
            if (run == 1) {
                throw new NullPointerException();   // no message: must not end the checks either
            }
            if (run <= 3) {
                throw new IllegalStateException("the cluster refused describing topic 'east.orders'");
            }
        });
        PeriodicChecks checks = new PeriodicChecks(List.of(flaky), () -> true, stop);
        for (int i = 0; i < 4; i++) {
            assertThat(checks.runOnce(flaky)).isTrue();
        }
        assertThat(runs).hasValue(4);
        assertThat(stop.stopped()).isFalse();
        String log = output.getOut();
        assertThat(log).contains("Topic check failed (retried every 0 s): java.lang.NullPointerException");
        assertThat(log.split("Topic check failed \\(retried every 0 s\\): the cluster refused", -1)).as("the same error logged once").hasSize(2);
        assertThat(log).contains("Topic check: works again");
    }

    @Test
    void checksThatNeedBothClustersWaitWhileOneDoesNotAnswer() {
        AtomicBoolean reachable = new AtomicBoolean(false);
        AtomicInteger runs = new AtomicInteger();
        PeriodicCheck topics = check("Topic check", runs::incrementAndGet);
        PeriodicChecks checks = new PeriodicChecks(List.of(topics), reachable::get, new FerryStop());
        assertThat(checks.runOnce(topics)).isFalse();
        assertThat(runs).hasValue(0);
        reachable.set(true);
        assertThat(checks.runOnce(topics)).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCheckWaitingOnASlowClusterDoesNotDelayTheClusterChecks() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.getBrokersAsString()))) {
            ClusterMonitor monitor = new ClusterMonitor(new ClusterRef("source", "east", broker.getBrokersAsString()), admin,
                    Duration.ofSeconds(5), Clock.systemUTC());
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            PeriodicCheck hanging = check("Topic check", () -> {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            PeriodicChecks checks = new PeriodicChecks(List.of(PeriodicCheck.always("Cluster check", Duration.ZERO, INTERVAL, false, monitor::check),
                    hanging), () -> monitor.status().reachable(), new FerryStop());
            checks.start();
            try {
                assertThat(entered.await(30, TimeUnit.SECONDS)).as("topic check ran").isTrue();
                Instant blocked = Instant.now();
                // readiness reads the monitor's last answer: it must stay fresh while the topic check hangs
                await().atMost(Duration.ofSeconds(30)).until(() -> monitor.status().lastSuccess() != null
                        && monitor.status().lastSuccess().isAfter(blocked.plusMillis(500)));
            } finally {
                release.countDown();
                checks.close();
            }
        } finally {
            broker.destroy();
        }
    }

    @Test
    void theCountersLineIsWrittenOnceMoreWhenTheScheduleEnds() {
        AtomicInteger lines = new AtomicInteger();
        PeriodicChecks checks = new PeriodicChecks(List.of(PeriodicCheck.always("Stream counters", Duration.ofHours(1), Duration.ofHours(1), true,
                lines::incrementAndGet)), () -> true, new FerryStop());
        checks.start();
        checks.close();
        assertThat(lines).hasValue(1);
        assertThat(checks.isRunning()).isFalse();
    }

    private static PeriodicCheck check(String name, Runnable work) {
        return PeriodicCheck.whileRunning(name, INTERVAL, work);
    }
}
