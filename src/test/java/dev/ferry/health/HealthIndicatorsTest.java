package dev.ferry.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.support.Plans;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;

/** Health from real cluster checks: one admin client against a port where nothing listens. */
class HealthIndicatorsTest {

    private static final ReplicationPlan PLAN = Plans.plan(Plans.stream("orders", "orders", "east.orders", null));
    private static Admin nowhere;

    @BeforeAll
    static void unreachableAdmin() {
        nowhere = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:1", "request.timeout.ms", 500, "default.api.timeout.ms", 1000,
                "reconnect.backoff.max.ms", 100));
    }

    @AfterAll
    static void close() {
        nowhere.close(Duration.ZERO);
    }

    private static ReplicationHealthIndicator readiness(AtomicReference<KafkaStreams.State> state, ClusterMonitor... monitors) {
        return new ReplicationHealthIndicator(state::get, List.of(monitors), PLAN, new ReplicationCounters(PLAN), Duration.ofSeconds(30),
                ReplicationHealthIndicator.Limits.NONE, Clock.systemUTC(), () -> null);
    }

    /** A monitor after one real check against a port where nothing listens. */
    private static ClusterMonitor unreachable(String role) {
        ClusterMonitor monitor = new ClusterMonitor(new ClusterRef(role, role + "-alias", "127.0.0.1:1"), nowhere, Duration.ofMillis(500), Clock.systemUTC());
        monitor.check();
        return monitor;
    }

    @Test
    void readinessIsDownWhileAClusterDoesNotAnswerEvenIfStreamsRuns() {
        ClusterMonitor source = unreachable("source");
        Health health = readiness(new AtomicReference<>(KafkaStreams.State.RUNNING), source).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("source");
        assertThat(detail).containsEntry("alias", "source-alias").containsEntry("reachable", false);
        assertThat(String.valueOf(detail.get("error"))).isNotBlank();
    }

    @Test
    void readinessIsDownUntilStreamsRuns() {
        Health health = readiness(new AtomicReference<>(null)).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("state", "NOT_STARTED");
        Health rebalancing = readiness(new AtomicReference<>(KafkaStreams.State.REBALANCING)).health(true);
        assertThat(rebalancing.getStatus()).isEqualTo(Status.DOWN);
        Health running = readiness(new AtomicReference<>(KafkaStreams.State.RUNNING)).health(true);
        assertThat(running.getStatus()).isEqualTo(Status.UP);
        assertThat(running.getDetails()).containsKey("streams");
    }

    @Test
    void readinessListsThePartitionsThisInstanceCopiesAndStaysUpWithNone() {
        AtomicReference<List<String>> owned = new AtomicReference<>(List.of("orders-0", "orders-2"));
        ReplicationHealthIndicator indicator = new ReplicationHealthIndicator(() -> KafkaStreams.State.RUNNING, List.of(), PLAN,
                new ReplicationCounters(PLAN), Duration.ofSeconds(30), ReplicationHealthIndicator.Limits.NONE, Clock.systemUTC(), () -> null, owned::get,
                () -> null, () -> null);
        Health copying = indicator.health(true);
        assertThat(copying.getStatus()).isEqualTo(Status.UP);
        assertThat(copying.getDetails().get("owned")).isEqualTo(Map.of("count", 2, "partitions", List.of("orders-0", "orders-2")));
        owned.set(List.of());
        Health standingBy = indicator.health(true);
        assertThat(standingBy.getStatus()).isEqualTo(Status.UP);
        assertThat(String.valueOf(standingBy.getDetails().get("owned"))).contains("count=0", "stands by");
    }

    @Test
    void readinessWaitsUntilThisInstanceHasFinishedJoiningItsGroup() {
        AtomicReference<String> joining = new AtomicReference<>("joining Kafka Streams group 'g': 6 source partition(s) wait for the group's "
                + "next rebalance round to get an owner (orders-0, ...)");
        ReplicationHealthIndicator indicator = new ReplicationHealthIndicator(() -> KafkaStreams.State.RUNNING, List.of(), PLAN,
                new ReplicationCounters(PLAN), Duration.ofSeconds(30), ReplicationHealthIndicator.Limits.NONE, Clock.systemUTC(), () -> null, List::of,
                joining::get, () -> null);
        Health joiningNow = indicator.health(true);
        assertThat(joiningNow.getStatus()).isEqualTo(Status.DOWN);
        assertThat(joiningNow.getDetails()).containsEntry("joining", joining.get()).doesNotContainKey("owned");
        joining.set(null);
        Health joined = indicator.health(true);
        assertThat(joined.getStatus()).isEqualTo(Status.UP);
        assertThat(joined.getDetails()).doesNotContainKey("joining").containsKey("owned");
    }

    @Test
    void readinessIsDownWhileTheDestinationTakesNoCopies() {
        AtomicReference<String> stall = new AtomicReference<>("120 copies wait, and the destination acknowledged none for 6 s (...)");
        ReplicationHealthIndicator indicator = new ReplicationHealthIndicator(() -> KafkaStreams.State.RUNNING, List.of(), PLAN,
                new ReplicationCounters(PLAN), Duration.ofSeconds(30), ReplicationHealthIndicator.Limits.NONE, Clock.systemUTC(), () -> null, List::of,
                () -> null, stall::get);
        Health stalled = indicator.health(true);
        assertThat(stalled.getStatus()).isEqualTo(Status.DOWN);
        assertThat(stalled.getDetails()).containsEntry("destinationWrites", stall.get());
        stall.set(null);
        Health writing = indicator.health(true);
        assertThat(writing.getStatus()).isEqualTo(Status.UP);
        assertThat(writing.getDetails()).doesNotContainKey("destinationWrites");
    }

    @Test
    void aStaleSuccessfulCheckCountsAsUnreachable() {
        Instant answered = Instant.parse("2026-01-01T00:00:00Z");
        ClusterMonitor.Status status = new ClusterMonitor.Status(new ClusterRef("source", "east", "x:1"), true, "id", answered, null);
        assertThat(status.isHealthy(answered.plusSeconds(30), Duration.ofSeconds(30))).isTrue();
        assertThat(status.isHealthy(answered.plusSeconds(31), Duration.ofSeconds(30))).isFalse();
    }

    @Test
    void readinessDropsWhenLagOrLatencyPassTheirLimits() {
        java.util.concurrent.atomic.AtomicLong lag = new java.util.concurrent.atomic.AtomicLong(10);
        AtomicReference<Map<String, Long>> latency = new AtomicReference<>(Map.of("orders", 200L));
        ReplicationHealthIndicator indicator = new ReplicationHealthIndicator(() -> KafkaStreams.State.RUNNING, List.of(), PLAN,
                new ReplicationCounters(PLAN), Duration.ofSeconds(30),
                new ReplicationHealthIndicator.Limits(1_000L, Duration.ofSeconds(5), lag::get, latency::get), Clock.systemUTC(), () -> null);
        assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
        lag.set(5_000);
        Health lagging = indicator.health(true);
        assertThat(lagging.getStatus()).isEqualTo(Status.DOWN);
        assertThat(lagging.getDetails()).containsEntry("lagLimitExceeded", "consumer lag 5000 > ferry.health.max-lag 1000");
        lag.set(0);
        latency.set(Map.of("orders", 9_000L));
        Health slow = indicator.health(true);
        assertThat(slow.getStatus()).isEqualTo(Status.DOWN);
        assertThat(slow.getDetails()).containsEntry("latencyLimitExceeded", "stream orders: 9000 ms > ferry.health.max-latency 5000 ms");
    }

    @Test
    void livenessIsDownOnlyWhenStreamsHasFailed() {
        AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
        StreamsLivenessIndicator liveness = new StreamsLivenessIndicator(state::get, () -> null);
        assertThat(liveness.health(true).getStatus()).isEqualTo(Status.UP);
        state.set(KafkaStreams.State.ERROR);
        assertThat(liveness.health(true).getStatus()).isEqualTo(Status.DOWN);
        state.set(null);
        assertThat(liveness.health(true).getStatus()).isEqualTo(Status.UP);
        StreamsLivenessIndicator stopped = new StreamsLivenessIndicator(() -> KafkaStreams.State.RUNNING, () -> "a source topic was deleted");
        Health health = stopped.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("stoppedBecause", "a source topic was deleted");
    }
}
