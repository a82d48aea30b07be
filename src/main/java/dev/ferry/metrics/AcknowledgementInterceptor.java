package dev.ferry.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Measures replication latency where it ends: when the destination acknowledges a copy. Installed on Ferry's producer
 * through the Streams configuration, which also carries the {@link ReplicationMetrics} instance under {@link #METRICS}.
 */
public final class AcknowledgementInterceptor implements ProducerInterceptor<byte[], byte[]> {

    public static final String METRICS = "ferry.metrics";
    public static final String SOURCE_TOPIC_HEADER = "ferry.metrics.source-topic-header";

    private ReplicationMetrics metrics;
    private String sourceTopicHeader;

    @Override
    public void configure(Map<String, ?> configs) {
        this.metrics = (ReplicationMetrics) configs.get(METRICS);
        this.sourceTopicHeader = (String) configs.get(SOURCE_TOPIC_HEADER);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (metrics != null && !metrics.knowsStreamOf(record.topic())) {
            Header source = record.headers().lastHeader(sourceTopicHeader);
            metrics.learnStream(record.topic(), source == null ? null : new String(source.value(), StandardCharsets.UTF_8));
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
