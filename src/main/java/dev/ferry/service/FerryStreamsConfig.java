package dev.ferry.service;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import dev.ferry.config.KafkaSettings;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.metrics.AcknowledgementInterceptor;
import dev.ferry.metrics.ReplicationMetrics;
import dev.ferry.metrics.WriteProgress;
import dev.ferry.topology.ErrorPolicies;
import dev.ferry.topology.FerryExceptionHandler;

/**
 * The complete Kafka Streams configuration, built in this one place for the application and the tests: Ferry's
 * defaults under the user's overrides ({@link KafkaSettings}), each stream's {@code on-error} policy through Ferry's
 * exception handlers, and the producer interceptor that measures replication latency and write progress.
 */
public final class FerryStreamsConfig {

    private FerryStreamsConfig() {
    }

    public static Map<String, Object> build(KafkaSettings settings, ReplicationPlan plan, ErrorPolicies errorPolicies, ReplicationMetrics metrics,
                                            WriteProgress writes) {
        Map<String, Object> streams = new HashMap<>(settings.streams());
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG), AcknowledgementInterceptor.class.getName());
        streams.put(StreamsConfig.producerPrefix(AcknowledgementInterceptor.METRICS), metrics);
        streams.put(StreamsConfig.producerPrefix(AcknowledgementInterceptor.SOURCE_HEADERS), plan.headers());
        streams.put(StreamsConfig.producerPrefix(AcknowledgementInterceptor.WRITES), writes);
        streams.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, FerryExceptionHandler.class.getName());
        streams.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FerryExceptionHandler.class.getName());
        streams.put(FerryExceptionHandler.POLICIES, errorPolicies);
        return streams;
    }
}
