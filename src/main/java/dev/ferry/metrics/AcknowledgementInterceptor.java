package dev.ferry.metrics;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;

import dev.ferry.headers.SourceHeaders;

/**
 * Measures replication latency where it ends: when the destination acknowledges a copy; counts the copies it did not
 * acknowledge (in time), each of which is read again from the source and may reach the destination twice; feeds
 * {@link WriteProgress}. Installed on Ferry's producer through the Streams configuration, which also carries the
 * {@link ReplicationMetrics} instance under {@link #METRICS} and the {@link WriteProgress} under {@link #WRITES}.
 */
public final class AcknowledgementInterceptor implements ProducerInterceptor<byte[], byte[]> {

    public static final String METRICS = "ferry.metrics";
    public static final String SOURCE_HEADERS = "ferry.metrics.source-headers";
    public static final String WRITES = "ferry.metrics.writes";

    private ReplicationMetrics metrics;
    private WriteProgress writes;
    private SourceHeaders sourceHeaders;

    @Override
    public void configure(Map<String, ?> configs) {
        this.metrics = (ReplicationMetrics) configs.get(METRICS);
        this.sourceHeaders = (SourceHeaders) configs.get(SOURCE_HEADERS);
        this.writes = (WriteProgress) configs.get(WRITES);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (writes != null) {
            writes.handed();
        }
        if (metrics != null && !metrics.knowsStreamOf(record.topic())) {
            SourceHeaders.Coordinates source = sourceHeaders.read(record.headers());
            metrics.learnStream(record.topic(), source == null ? null : source.topic());
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (writes != null) {
            // every record handed to the producer ends here once: acknowledged, failed, or aborted at close
            if (exception == null) {
                writes.acknowledged();
            } else {
                writes.failed();
            }
        }
        if (metrics == null || metadata == null) {
            return;
        }
        if (exception == null) {
            metrics.recordAcknowledged(metadata.topic(), metadata.timestamp());
        } else if (exception instanceof RetriableException) {
            // every record of a failed batch, also those Kafka Streams no longer reports once one send failed
            metrics.recordUnacknowledged(metadata.topic());
        }
    }

    @Override
    public void close() {
    }
}
