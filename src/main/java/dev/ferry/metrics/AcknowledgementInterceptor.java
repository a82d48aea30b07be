package dev.ferry.metrics;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.ferry.headers.SourceHeaders;

/**
 * Measures replication latency where it ends: when the destination acknowledges a copy. Installed on Ferry's producer
 * through the Streams configuration, which also carries the {@link ReplicationMetrics} instance under {@link #METRICS}.
 */
public final class AcknowledgementInterceptor implements ProducerInterceptor<byte[], byte[]> {

    public static final String METRICS = "ferry.metrics";
    public static final String SOURCE_HEADERS = "ferry.metrics.source-headers";

    private ReplicationMetrics metrics;
    private SourceHeaders sourceHeaders;

    @Override
    public void configure(Map<String, ?> configs) {
        this.metrics = (ReplicationMetrics) configs.get(METRICS);
        this.sourceHeaders = (SourceHeaders) configs.get(SOURCE_HEADERS);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (metrics != null && !metrics.knowsStreamOf(record.topic())) {
            SourceHeaders.Coordinates source = sourceHeaders.read(record.headers());
            metrics.learnStream(record.topic(), source == null ? null : source.topic());
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (metrics != null && exception == null && metadata != null) {
            metrics.recordAcknowledged(metadata.topic(), metadata.timestamp());
        }
    }

    @Override
    public void close() {
    }
}
