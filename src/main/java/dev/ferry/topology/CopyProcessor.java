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
        Progress progress = preserve ? progress(source) : null;
        if (progress != null && progress.skips(source.offset())) {
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
        if (progress != null && progress.copied != null) {
            progress.copying(source);
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
     * Where this task stands on the record's source partition. At its first record, it asks the destination once (see
     * {@link TaskGuard}): the partition must exist, and its tail says which of the offsets the task re-reads were copied
     * before (by an instance that stopped before committing them). A source partition whose offsets go back within a task
     * was deleted and created again (or truncated): its records are not the ones copied before, so Ferry stops rather
     * than mix the two.
     */
    private Progress progress(RecordMetadata source) {
        Progress progress = this.progress.get(source.topic());
        if (progress == null) {
            guard.requirePartition(mapping, source.topic(), source.partition());
            CopiedOffsets copied = tail.copiedFrom(mapping.namer().destinationFor(source.topic()), source.partition(), source.topic(),
                    source.partition(), source.offset());
            if (copied.highest() >= source.offset()) {
                guard.checkCopiedUpTo(mapping, source.topic(), source.partition(), copied.highest());
                log.info("Stream {}: {}-{} was copied up to offset {} before; re-read records the destination has are skipped", mapping.name(),
                        source.topic(), source.partition(), copied.highest());
            }
            progress = new Progress(copied.highest() >= source.offset() ? copied : null);
            this.progress.put(source.topic(), progress);
        } else if (source.offset() < progress.last) {
            throw new TopicProvisioningException("Stream '" + mapping.name() + "': source partition " + source.topic() + "-" + source.partition()
                    + " went back from offset " + progress.last + " to " + source.offset() + " while Ferry read it: the topic was deleted and "
                    + "created again (or truncated). Its new records are not the ones copied before. Delete the destination topic '"
                    + mapping.namer().destinationFor(source.topic()) + "' (Ferry creates it again) or point the stream to a new destination, "
                    + "then start Ferry again.");
        }
        progress.last = source.offset();
        if (progress.copied != null && source.offset() > progress.copied.highest()) {
            progress.copied = null;   // past every earlier copy: nothing more to compare
        }
        return progress;
    }

    /**
     * Per source partition of this task: what the destination held when the task started (null once the task read past
     * it), whether a gap was found in it, and the last offset read.
     */
    private final class Progress {
        CopiedOffsets copied;
        boolean recopying;
        long last = -1;

        Progress(CopiedOffsets copied) {
            this.copied = copied;
        }

        /** A re-read record the destination has: not copied again, unless a gap was found before it. */
        boolean skips(long offset) {
            return copied != null && !recopying && copied.contains(offset);
        }

        /**
         * A record about to be copied while the destination holds copies of later offsets. The first such record is a gap:
         * a send that failed after later ones succeeded. Copying goes on from it in source order, also the records the
         * destination has (counted), so that the partition ends as if after a crash: a run copied again, which offset
         * translation handles exactly (architecture §4). Filling in only the gap would put earlier records after later
         * ones, and a group translated there would skip the later ones.
         */
        void copying(RecordMetadata source) {
            long offset = source.offset();
            if (recopying) {
                if (copied.contains(offset)) {
                    counters.recordRecopied();
                }
                return;
            }
            recopying = true;
            counters.recordGapFound();
            log.warn("Stream {}: the destination lacks the copy of {}-{}@{} but holds copies of later offsets (up to {}): a send failed after "
                    + "later ones were acknowledged. Ferry copies again from there in source order; {} record(s) the destination has are "
                    + "written once more (ferry_records_recopied_total).", mapping.name(), source.topic(), source.partition(), offset,
                    copied.highest(), copied.countBetween(offset, copied.highest()));
        }
    }
}
