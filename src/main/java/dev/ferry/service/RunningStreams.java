package dev.ferry.service;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;

/** What health and the stop need to know of the running Kafka Streams instance, which exists only once it started. */
public final class RunningStreams {

    private final Supplier<KafkaStreams> streams;

    public RunningStreams(Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** The state, or null before Kafka Streams was created. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams.get();
        return s == null ? null : s.state();
    }

    /** The largest consumer lag of any source partition, from the Streams consumers' own metrics; -1 if unknown. */
    public long largestConsumerLag() {
        KafkaStreams s = streams.get();
        if (s == null) {
            return -1;
        }
        double max = -1;
        for (Metric metric : s.metrics().values()) {
            if (metric.metricName().name().equals("records-lag-max") && metric.metricName().group().equals("consumer-fetch-manager-metrics")
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                max = Math.max(max, value);
            }
        }
        return (long) max;
    }

    /**
     * The source partitions this instance copies now (its active tasks'), sorted; null when Kafka Streams does not run.
     * Several instances share the source partitions; each lists its own.
     */
    public List<String> ownedPartitions() {
        KafkaStreams s = streams.get();
        if (s == null) {
            return null;
        }
        try {
            return s.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream()).map(Object::toString).sorted().toList();
        } catch (IllegalStateException notRunning) {
            return null;
        }
    }

    /** Closes Kafka Streams without waiting (liveness then reports the stop reason). */
    public void halt() {
        KafkaStreams s = streams.get();
        if (s != null) {
            s.close(Duration.ZERO);
        }
    }
}
