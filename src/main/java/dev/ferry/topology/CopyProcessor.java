package dev.ferry.topology;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.mapping.TopicProvisioningException;
import dev.ferry.filter.RecordFilter;
import dev.ferry.filter.RecordView;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.StreamMapping;

/**
 * The per-record step of a stream, in architecture §1: drop, then stamp.
 * <ol>
 * <li>Drops records already copied before a crash (preserve mode), records that originated on the destination cluster
 * (loop prevention) and records the stream's filter rejects. A value that a JSON condition cannot parse is an error
 * for the stream's {@code on-error} policy ({@link ErrorPolicies}).</li>
 * <li>Writes the source coordinates (architecture §3, {@link SourceHeaders}): they replace any earlier hop's, and the
 * cluster the record first came from is kept. Wraps the value with its source partition for the sink.</li>
 * </ol>
 * One processor rather than a filter node and a stamp node: every hop between nodes costs Kafka Streams a record and a
 * header-list copy per record.
 */
final class CopyProcessor implements FixedKeyProcessor<byte[], byte[], Routed> {

    private static final Logger log = LoggerFactory.getLogger(CopyProcessor.class);

    private final StreamMapping mapping;
    private final RecordFilter filter;
    private final CopiedTail tail;
    private final TaskGuard guard;
    private final boolean preserve;
    private final SourceHeaders names;
    private final String sourceAlias;
    private final byte[] destinationAlias;
    private final StreamCounters counters;
    private final RecordView view = new RecordView();
    private final Map<String, Progress> progress = new HashMap<>();
    private final Map<String, SourceHeaders.Stamp> stamps = new HashMap<>();
    private FixedKeyProcessorContext<byte[], Routed> context;

    /**
     * @param tail       where earlier copies end; {@link CopiedTail#NONE} to copy everything that is read
     * @param guard      checks the destination partition and the tail at the first record of a source partition
     */
    CopyProcessor(StreamMapping mapping, SourceHeaders names, String sourceAlias, String destinationAlias, CopiedTail tail,
                  TaskGuard guard, StreamCounters counters) {
        this.mapping = mapping;
        this.filter = mapping.filter();
        this.preserve = mapping.partitioning() == Partitioning.PRESERVE;
        this.tail = tail;
        this.guard = guard;
        this.names = names;
        this.sourceAlias = sourceAlias;
        this.destinationAlias = SourceHeaders.encode(destinationAlias);
        this.counters = counters;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Routed> context) {
        this.context = context;
        // Kafka Streams may init the same instance again when it revives a task from its last committed offsets: what was
        // learned before no longer holds (records copied since then are in the tail now).
        progress.clear();
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        // Always present for records that come from a source topic, which is the only way records reach this node.
        RecordMetadata source = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("record without source metadata reached a copy processor"));
        if (preserve && alreadyCopied(source)) {
            counters.recordDuplicateSkipped();
            return;
        }
        if (names.originatesOn(record.headers(), destinationAlias)) {
            counters.recordLoop();
            return;
        }
        // A MalformedValueException goes to Kafka Streams' processing exception handler: the stream's on-error policy.
        if (filter != RecordFilter.PASS_ALL && !filter.accepts(view.reset(record.key(), record.value(), record.headers()))) {
            counters.recordFiltered();
            return;
        }
        // Stamped in place: Kafka Streams hands every processor its own copy of the header list, also when several
        // streams read one source node, so no stream sees another's stamps. withValue copies the list once more.
        SourceHeaders.Stamp stamp = stamps.get(source.topic());
        if (stamp == null) {
            stamp = names.stamp(sourceAlias, source.topic());
            stamps.put(source.topic(), stamp);
        }
        stamp.apply(record.headers(), source.partition(), source.offset(), record.timestamp());
        counters.recordCopied(record.value());
        context.forward(record.withValue(new Routed(record.value(), source.partition())));
    }

    /**
     * Whether this record was copied before (by an instance that crashed before committing its source offset). At the first
     * record of a source partition in this task, it asks the destination once (see {@link TaskGuard}): the partition must
     * exist, and its tail says how far earlier copies go. A source partition whose offsets go back within a task was
     * deleted and created again (or truncated): its records are not the ones copied before, so nothing is skipped and
     * Ferry stops rather than mix the two.
     */
    private boolean alreadyCopied(RecordMetadata source) {
        Progress progress = this.progress.get(source.topic());
        if (progress == null) {
            guard.requirePartition(mapping, source.topic(), source.partition());
            long upTo = tail.highestCopied(mapping.namer().destinationFor(source.topic()), source.partition(), source.topic(), source.partition());
            if (upTo >= source.offset()) {
                guard.checkCopiedUpTo(mapping, source.topic(), source.partition(), upTo);
                log.info("Stream {}: {}-{} was copied up to offset {} before; re-read records up to it are skipped", mapping.name(),
                        source.topic(), source.partition(), upTo);
            }
            progress = new Progress(upTo);
            this.progress.put(source.topic(), progress);
        } else if (source.offset() < progress.last) {
            throw new TopicProvisioningException("Stream '" + mapping.name() + "': source partition " + source.topic() + "-" + source.partition()
                    + " went back from offset " + progress.last + " to " + source.offset() + " while Ferry read it: the topic was deleted and "
                    + "created again (or truncated). Its new records are not the ones copied before. Delete the destination topic '"
                    + mapping.namer().destinationFor(source.topic()) + "' (Ferry creates it again) or point the stream to a new destination, "
                    + "then start Ferry again.");
        }
        progress.last = source.offset();
        return source.offset() <= progress.copiedUpTo;
    }

    /** Per source partition of this task: the highest source offset copied before it started, and the last offset read. */
    private static final class Progress {
        final long copiedUpTo;
        long last = -1;

        Progress(long copiedUpTo) {
            this.copiedUpTo = copiedUpTo;
        }
    }
}
