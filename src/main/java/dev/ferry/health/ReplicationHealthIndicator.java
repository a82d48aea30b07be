package dev.ferry.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.topology.ReplicationCounters;
import dev.ferry.topology.StreamCounters;

/**
 * Readiness: UP only while Kafka Streams is RUNNING, this instance has finished joining its group, and both clusters
 * answered a background check recently.
 * Reads state only (no broker round trip); never shows client settings, which may hold credentials.
 */
public final class ReplicationHealthIndicator extends AbstractHealthIndicator {

    private final Supplier<KafkaStreams.State> state;
    private final List<ClusterMonitor> clusters;
    private final ReplicationPlan plan;
    private final ReplicationCounters counters;
    private final Duration maxCheckAge;
    private final Limits limits;
    private final Clock clock;

    /**
     * Optional limits on how far replication may fall behind while still ready.
     *
     * @param maxLag     null for no limit
     * @param maxLatency null for no limit
     * @param lag        the largest consumer lag of any source partition, -1 when unknown
     * @param latency    each stream's latest replication latency in ms, -1 before its first copy
     */
    public record Limits(Long maxLag, Duration maxLatency, LongSupplier lag, Supplier<Map<String, Long>> latency) {

        public static final Limits NONE = new Limits(null, null, () -> -1, Map::of);
    }

    /** At most this many owned partitions are listed (the count is always shown). */
    private static final int MAX_LISTED = 200;

    private final Supplier<String> stopReason;
    private final Supplier<List<String>> owned;
    private final Supplier<String> joining;
    private final Supplier<String> stalled;

    /** @param stopReason why Ferry stopped on a record (a stream with {@code on-error: fail}), null while it has not */
    public ReplicationHealthIndicator(Supplier<KafkaStreams.State> state, List<ClusterMonitor> clusters, ReplicationPlan plan,
                                      ReplicationCounters counters, Duration maxCheckAge, Limits limits, Clock clock,
                                      Supplier<String> stopReason) {
        this(state, clusters, plan, counters, maxCheckAge, limits, clock, stopReason, () -> null, () -> null, () -> null);
    }

    /**
     * @param owned   the source partitions this instance copies now, null when unknown ({@code RunningStreams#ownedPartitions})
     * @param joining why this instance has not finished joining its group, null once it has ({@code GroupJoin#waiting})
     * @param stalled why the destination takes no copies now, null while it does ({@code WriteProgress#stall})
     */
    public ReplicationHealthIndicator(Supplier<KafkaStreams.State> state, List<ClusterMonitor> clusters, ReplicationPlan plan,
                                      ReplicationCounters counters, Duration maxCheckAge, Limits limits, Clock clock,
                                      Supplier<String> stopReason, Supplier<List<String>> owned, Supplier<String> joining,
                                      Supplier<String> stalled) {
        super("Replication health check failed");
        this.stalled = stalled;
        this.stopReason = stopReason;
        this.owned = owned;
        this.joining = joining;
        this.state = state;
        this.clusters = List.copyOf(clusters);
        this.plan = plan;
        this.counters = counters;
        this.maxCheckAge = maxCheckAge;
        this.limits = limits;
        this.clock = clock;
    }

    private boolean withinLimits(Health.Builder builder) {
        boolean ok = true;
        if (limits.maxLag() != null) {
            long lag = limits.lag().getAsLong();
            builder.withDetail("maxConsumerLag", lag);
            if (lag > limits.maxLag()) {
                builder.withDetail("lagLimitExceeded", "consumer lag " + lag + " > ferry.health.max-lag " + limits.maxLag());
                ok = false;
            }
        }
        if (limits.maxLatency() != null) {
            Map<String, Long> latency = limits.latency().get();
            builder.withDetail("latencyMillis", latency);
            for (Map.Entry<String, Long> e : latency.entrySet()) {
                if (e.getValue() > limits.maxLatency().toMillis()) {
                    builder.withDetail("latencyLimitExceeded", "stream " + e.getKey() + ": " + e.getValue() + " ms > ferry.health.max-latency "
                            + limits.maxLatency().toMillis() + " ms");
                    ok = false;
                }
            }
        }
        return ok;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaStreams.State current = state.get();
        Instant now = clock.instant();
        boolean up = current == KafkaStreams.State.RUNNING;
        builder.withDetail("state", current == null ? "NOT_STARTED" : current.name());
        String notJoined = up ? joining.get() : null;
        if (notJoined != null) {
            // Streams runs, but its group still moves partitions: what this instance owns now is not yet its share
            builder.withDetail("joining", notJoined);
            up = false;
        }
        List<String> partitions = current == KafkaStreams.State.RUNNING && notJoined == null ? owned.get() : null;
        if (partitions != null) {
            Map<String, Object> ownership = new LinkedHashMap<>();
            ownership.put("count", partitions.size());
            ownership.put("partitions", partitions.size() <= MAX_LISTED ? partitions : partitions.subList(0, MAX_LISTED));
            if (partitions.isEmpty()) {
                // ready all the same: it takes over when another instance leaves
                ownership.put("note", "this instance copies no source partition now: the group has more instances than source partitions, "
                        + "so it stands by");
            }
            builder.withDetail("owned", ownership);
        }
        String stall = stalled.get();
        if (stall != null) {
            builder.withDetail("destinationWrites", stall);
            up = false;
        }
        String stopped = stopReason.get();
        if (stopped != null) {
            builder.withDetail("stoppedBecause", stopped);
            up = false;
        }
        for (ClusterMonitor monitor : clusters) {
            ClusterMonitor.Status s = monitor.status();
            boolean healthy = s.isHealthy(now, maxCheckAge);
            up &= healthy;
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("alias", s.cluster().alias());
            detail.put("bootstrapServers", s.cluster().bootstrapServers());
            detail.put("reachable", healthy);
            if (s.lastSuccess() != null) {
                detail.put("lastAnswer", s.lastSuccess().toString());
            }
            if (s.error() != null) {
                detail.put("error", s.error());
            }
            builder.withDetail(s.cluster().role(), detail);
        }
        Map<String, Object> streams = new LinkedHashMap<>();
        for (StreamMapping m : plan.streams()) {
            StreamCounters.Snapshot c = counters.forStream(m.name()).snapshot();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("source", m.source().describe());
            detail.put("destination", m.namer().template());
            detail.put("filter", m.filter().describe());
            detail.put("partitioning", m.partitioning().name().toLowerCase().replace('_', '-'));
            detail.put("copied", c.copied());
            detail.put("filtered", c.filtered());
            detail.put("onError", m.onError().name().toLowerCase().replace('_', '-'));
            detail.put("failed", c.failed());
            detail.put("deadLettered", c.deadLettered());
            detail.put("loopsStopped", c.loops());
            detail.put("duplicatesSkipped", c.duplicates());
            detail.put("sourceOffsetGaps", counters.forStream(m.name()).gaps());
            detail.put("unacknowledged", c.unacknowledged());   // copies the destination did not acknowledge in time, read again
            detail.put("recopiedAfterGap", c.recopied());
            streams.put(m.name(), detail);
        }
        builder.withDetail("streams", streams);
        up &= withinLimits(builder);
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
