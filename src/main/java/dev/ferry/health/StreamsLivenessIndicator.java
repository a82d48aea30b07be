package dev.ferry.health;

import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Liveness: DOWN only when Kafka Streams has failed for good (ERROR) or Ferry stopped itself with a reason; a restart
 * then either recovers or fails at startup with a clear message. A cluster outage or a rebalance is a readiness matter.
 */
public final class StreamsLivenessIndicator extends AbstractHealthIndicator {

    private final Supplier<KafkaStreams.State> state;
    private final Supplier<String> stopReason;

    public StreamsLivenessIndicator(Supplier<KafkaStreams.State> state, Supplier<String> stopReason) {
        super("Kafka Streams liveness check failed");
        this.state = state;
        this.stopReason = stopReason;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaStreams.State current = state.get();
        builder.withDetail("state", current == null ? "NOT_STARTED" : current.name());
        String stopped = stopReason.get();
        if (stopped != null) {
            builder.withDetail("stoppedBecause", stopped);
        }
        if (stopped != null || current == KafkaStreams.State.ERROR || current == KafkaStreams.State.PENDING_ERROR) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
