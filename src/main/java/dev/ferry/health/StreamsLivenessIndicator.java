package dev.ferry.health;

import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Liveness: DOWN only when Kafka Streams has failed for good (ERROR), the one state a restart fixes. A cluster outage
 * or a rebalance is a readiness matter: restarting would not help.
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
        if (current == KafkaStreams.State.ERROR || current == KafkaStreams.State.PENDING_ERROR) {
            builder.down();
        } else {
            builder.up();
        }
    }
}
