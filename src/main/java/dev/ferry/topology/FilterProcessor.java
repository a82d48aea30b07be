package dev.ferry.topology;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.filter.RecordFilter;
import dev.ferry.filter.RecordView;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.StreamMapping;

/**
 * Drops records already copied before a crash (preserve mode), records that originated on the destination cluster
 * (loop prevention) and records the stream's filter rejects. A value that a JSON condition cannot parse is an error
 * for the stream's {@code on-error} policy ({@link ErrorPolicies}).
 */
final class FilterProcessor implements FixedKeyProcessor<byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(FilterProcessor.class);

    private final RecordFilter filter;
    private final String originHeader;
    private final byte[] destinationAlias;
    private final StreamCounters counters;
    private final StreamMapping mapping;
    private final CopiedTail tail;
    private final RecordView view = new RecordView();
    private final Map<String, Long> copiedUpTo = new HashMap<>();
    private FixedKeyProcessorContext<byte[], byte[]> context;

    /** @param tail where earlier copies end; {@link CopiedTail#NONE} to copy everything that is read */
    FilterProcessor(StreamMapping mapping, SourceHeaders headers, String destinationAlias, StreamCounters counters, CopiedTail tail) {
        this.mapping = mapping;
        this.tail = mapping.partitioning() == Partitioning.PRESERVE ? tail : CopiedTail.NONE;
        this.filter = mapping.filter();
        this.originHeader = headers.origin();
        this.destinationAlias = SourceHeaders.encode(destinationAlias);
        this.counters = counters;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        if (tail != CopiedTail.NONE && alreadyCopied()) {
            counters.recordDuplicateSkipped();
            return;
        }
        Header origin = record.headers().lastHeader(originHeader);
        if (origin != null && Arrays.equals(origin.value(), destinationAlias)) {
            counters.recordLoop();
            return;
        }
        // A MalformedValueException goes to Kafka Streams' processing exception handler: the stream's on-error policy.
        if (filter != RecordFilter.PASS_ALL && !filter.accepts(view.reset(record.key(), record.value(), record.headers()))) {
            counters.recordFiltered();
            return;
        }
        context.forward(record);
    }

    /** Whether this record was copied before (by an instance that crashed before committing its source offset). */
    private boolean alreadyCopied() {
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source == null) {
            return false;
        }
        Long upTo = copiedUpTo.get(source.topic());
        if (upTo == null) {
            // first record of this source partition in this task: look at the destination once
            upTo = tail.highestCopied(mapping.namer().destinationFor(source.topic()), source.partition(), source.topic(), source.partition());
            copiedUpTo.put(source.topic(), upTo);
            if (upTo >= source.offset()) {
                log.info("Stream {}: {}-{} was copied up to offset {} before; re-read records up to it are skipped", mapping.name(),
                        source.topic(), source.partition(), upTo);
            }
        }
        return source.offset() <= upTo;
    }
}
