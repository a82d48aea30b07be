package dev.ferry.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.topology.FailureReason;
import dev.ferry.topology.ReplicationCounters;
import dev.ferry.topology.StreamCounters;

/**
 * Ferry's own meters (README "Metrics"). The record counts are read from {@link StreamCounters} when scraped, so the
 * record path only increments a {@code LongAdder}; replication latency is recorded once per acknowledged copy.
 */
public final class ReplicationMetrics {

    private final MeterRegistry registry;
    private final ReplicationPlan plan;
    private final Clock clock;
    private final ReplicationCounters counters;
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLatencyMillis = new ConcurrentHashMap<>();
    private final Map<String, String> streamByDestination = new ConcurrentHashMap<>();
    private final MultiGauge syncAges;
    private volatile Instant lastSyncRound;

    public ReplicationMetrics(MeterRegistry registry, ReplicationPlan plan, ReplicationCounters counters, Clock clock) {
        this.registry = registry;
        this.plan = plan;
        this.clock = clock;
        this.counters = counters;
        for (StreamMapping m : plan.streams()) {
            StreamCounters c = counters.forStream(m.name());
            Tags stream = Tags.of("stream", m.name());
            counter("ferry.records.copied", "Records handed to the destination producer", stream, c, s -> s.copied());
            counter("ferry.records.filtered", "Records the stream's filter rejected", stream, c, s -> s.filtered());
            counter("ferry.records.failed", "Records that could not be copied", stream.and("reason", FailureReason.MALFORMED_VALUE.tag()), c,
                    s -> s.malformed());
            counter("ferry.records.failed", "Records that could not be copied", stream.and("reason", FailureReason.TOO_LARGE.tag()), c,
                    s -> s.tooLarge());
            counter("ferry.records.failed", "Records that could not be copied", stream.and("reason", FailureReason.SEND_FAILED.tag()), c,
                    s -> s.sendFailed());
            counter("ferry.records.dead.lettered", "Failed records written to the dead-letter topic", stream, c, s -> s.deadLettered());
            counter("ferry.records.loops", "Records not copied because they originated on the destination", stream, c, s -> s.loops());
            FunctionCounter.builder("ferry.source.offset.gaps", c, StreamCounters::gaps)
                    .description("Source records deleted (retention) before Ferry could copy them")
                    .tags(stream).register(registry);
            counter("ferry.records.duplicates.skipped", "Re-read records not copied again after a crash", stream, c, s -> s.duplicates());
            FunctionCounter.builder("ferry.records.possible.duplicates", c, StreamCounters::possibleDuplicates)
                    .description("Records copied but not committed when another instance took their partitions (this one paused past the "
                            + "session timeout): the new owner may copy them again")
                    .tags(stream).register(registry);
            FunctionCounter.builder("ferry.records.unacknowledged", c, StreamCounters::unacknowledged)
                    .description("Copies the destination did not acknowledge in time (delivery.timeout.ms): read again from the last committed "
                            + "source offset and sent again unless the destination has them; each may reach the destination twice")
                    .tags(stream).register(registry);
            FunctionCounter.builder("ferry.destination.gaps.found", c, StreamCounters::gapsFound)
                    .description("Copies found missing on the destination below copies of later records when a task started (a send that "
                            + "failed after later ones succeeded); Ferry copies again from the gap")
                    .tags(stream).register(registry);
            FunctionCounter.builder("ferry.records.recopied", c, StreamCounters::recopied)
                    .description("Records copied again after a gap although the destination had them (written twice, in source order)")
                    .tags(stream).register(registry);
            FunctionCounter.builder("ferry.copied", c, x -> x.snapshot().copiedBytes()).description("Value bytes copied")
                    .baseUnit("bytes").tags(stream).register(registry);
            latency.put(m.name(), Timer.builder("ferry.replication.latency")
                    .description("Destination acknowledgement time minus the source record's timestamp")
                    .tags(stream).publishPercentileHistogram()   // percentiles: histogram_quantile() in Prometheus
                   
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                    .register(registry));
            lastLatencyMillis.put(m.name(), new AtomicLong(-1));
        }
        Gauge.builder("ferry.offset.sync.age", this, x -> x.lastSyncRound == null ? Double.NaN
                        : Duration.between(x.lastSyncRound, x.clock.instant()).toMillis() / 1000.0)
                .description("Seconds since the last offset sync round finished").baseUnit("seconds").register(registry);
        this.syncAges = MultiGauge.builder("ferry.offset.sync.group.age").description("Seconds since each group was last synced")
                .baseUnit("seconds").register(registry);
    }

    private void counter(String name, String description, Tags tags, StreamCounters c, ToDoubleFunction<StreamCounters.Snapshot> value) {
        FunctionCounter.builder(name, c, x -> value.applyAsDouble(x.snapshot())).description(description).tags(tags).register(registry);
    }

    boolean knowsStreamOf(String destinationTopic) {
        return streamByDestination.containsKey(destinationTopic);
    }

    /** Remembers which stream writes a destination topic (called when its first copy is sent). */
    void learnStream(String destinationTopic, String sourceTopic) {
        if (sourceTopic != null) {
            plan.writerOf(sourceTopic, destinationTopic).ifPresent(m -> streamByDestination.put(destinationTopic, m.name()));
        }
    }

    /** A copy was acknowledged by the destination; {@code timestamp} is its (preserved) source timestamp. */
    void recordAcknowledged(String destinationTopic, long timestamp) {
        String stream = streamByDestination.get(destinationTopic);
        if (stream == null || timestamp < 0) {
            return;
        }
        long millis = Math.max(0, clock.millis() - timestamp);
        latency.get(stream).record(millis, TimeUnit.MILLISECONDS);
        lastLatencyMillis.get(stream).set(millis);
    }

    /** A copy the destination did not acknowledge in time (the whole batch it was in failed). */
    void recordUnacknowledged(String destinationTopic) {
        String stream = streamByDestination.get(destinationTopic);
        if (stream != null) {
            counters.forStream(stream).recordUnacknowledged();
        }
    }

    /** The latency of each stream's most recently acknowledged copy, -1 before the first. */
    public Map<String, Long> lastLatencyMillis() {
        Map<String, Long> result = new LinkedHashMap<>();
        lastLatencyMillis.forEach((stream, value) -> result.put(stream, value.get()));
        return result;
    }

    public void syncRoundFinished(Map<String, Instant> lastSyncedByGroup) {
        lastSyncRound = clock.instant();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        lastSyncedByGroup.forEach((group, when) -> rows.add(MultiGauge.Row.of(Tags.of("group", group),
                () -> Duration.between(when, clock.instant()).toMillis() / 1000.0)));
        syncAges.register(rows, true);
    }
}
