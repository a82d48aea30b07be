package dev.ferry.topology;

import java.util.Arrays;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import dev.ferry.filter.MalformedValueException;
import dev.ferry.filter.RecordFilter;
import dev.ferry.filter.RecordView;
import dev.ferry.headers.SourceHeaders;

/**
 * Drops records that originated on the destination cluster (loop prevention) and records the stream's filter rejects.
 * A value that a JSON condition cannot parse does not match and is counted as malformed.
 */
final class FilterProcessor implements FixedKeyProcessor<byte[], byte[], byte[]> {

    private final RecordFilter filter;
    private final String originHeader;
    private final byte[] destinationAlias;
    private final StreamCounters counters;
    private final RecordView view = new RecordView();
    private FixedKeyProcessorContext<byte[], byte[]> context;

    FilterProcessor(RecordFilter filter, SourceHeaders headers, String destinationAlias, StreamCounters counters) {
        this.filter = filter;
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
        Header origin = record.headers().lastHeader(originHeader);
        if (origin != null && Arrays.equals(origin.value(), destinationAlias)) {
            counters.recordLoop();
            return;
        }
        if (filter != RecordFilter.PASS_ALL) {
            try {
                if (!filter.accepts(view.reset(record.key(), record.value(), record.headers()))) {
                    counters.recordFiltered();
                    return;
                }
            } catch (MalformedValueException e) {
                counters.recordMalformed();
                return;
            }
        }
        context.forward(record);
    }
}
