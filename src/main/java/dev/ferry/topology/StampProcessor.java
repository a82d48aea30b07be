package dev.ferry.topology;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.ferry.headers.SourceHeaders;

/**
 * Writes the source coordinate headers (DESIGN §3): the per-hop {@code source.*} headers replace any earlier hop's,
 * the origin header is written only if absent. Wraps the value with its source partition for the sink.
 */
final class StampProcessor implements FixedKeyProcessor<byte[], byte[], Routed> {

    private final SourceHeaders names;
    private final byte[] cluster;
    private final boolean copyHeaders;
    private final StreamCounters counters;
    private final Map<String, byte[]> topicBytes = new HashMap<>();
    private FixedKeyProcessorContext<byte[], Routed> context;

    /**
     * @param copyHeaders true when the source node feeds several streams: they share one headers object, which the
     *                    producer also makes read-only on send, so each stream stamps its own copy
     */
    StampProcessor(SourceHeaders names, String sourceAlias, boolean copyHeaders, StreamCounters counters) {
        this.names = names;
        this.cluster = SourceHeaders.encode(sourceAlias);
        this.copyHeaders = copyHeaders;
        this.counters = counters;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Routed> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        // Always present for records that come from a source topic, which is the only way records reach this node.
        RecordMetadata source = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("record without source metadata reached the stamp processor"));
        // The record's own headers object is stamped in place (Kafka Streams copied it for this record); withValue copies it once more.
        FixedKeyRecord<byte[], byte[]> stamped = copyHeaders ? record.withHeaders(new RecordHeaders(record.headers().toArray())) : record;
        names.stamp(stamped.headers(), cluster, topicBytes.computeIfAbsent(source.topic(), SourceHeaders::encode), source.partition(),
                source.offset(), record.timestamp());
        counters.recordCopied(record.value());
        context.forward(stamped.withValue(new Routed(record.value(), source.partition())));
    }
}
