package dev.ferry.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.filter.MalformedValueException;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

/**
 * Applies each stream's {@code on-error} policy to a record Kafka Streams could not process or produce
 * (architecture §2, "Nothing silent"). Called by {@link FerryExceptionHandler}; decides, counts, logs, and builds the
 * dead-letter record: the original key and value bytes, the original headers, the source coordinates, and
 * {@code <prefix>error.reason / error.class / error.message}.
 */
public final class ErrorPolicies {

    private static final Logger log = LoggerFactory.getLogger(ErrorPolicies.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

    /** What to tell Kafka Streams. */
    public sealed interface Decision {
        record Fail() implements Decision {
        }

        record Resume(List<ProducerRecord<byte[], byte[]>> deadLetters) implements Decision {
        }
    }

    /** Writes a dead letter to the destination and returns once it is acknowledged. */
    @FunctionalInterface
    public interface DeadLetterWriter {
        void send(ProducerRecord<byte[], byte[]> deadLetter);
    }

    private final ReplicationPlan plan;
    private final ReplicationCounters counters;
    private final DeadLetterWriter deadLetters;
    private final Map<String, StreamMapping> byNode = new HashMap<>();
    private final RepeatedLog repeated;
    private final Consumer<String> stop;

    /** @param stop stops Ferry with a reason (after which Kafka Streams shuts down, as this tells it to fail) */
    public ErrorPolicies(ReplicationPlan plan, ReplicationCounters counters, DeadLetterWriter deadLetters, Clock clock, Consumer<String> stop) {
        this.plan = plan;
        this.stop = stop;
        this.counters = counters;
        this.deadLetters = deadLetters;
        this.repeated = new RepeatedLog(clock, LOG_INTERVAL);
        for (StreamMapping m : plan.streams()) {
            for (String suffix : List.of("-copy", "-sink")) {
                byNode.put(m.name() + suffix, m);
            }
        }
    }

    /** The record that could not be copied: where it came from, its original bytes and headers. */
    private record Failed(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {

        String where() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    /** A record the topology could not process; the context describes that very record (the stream thread is on it). */
    Decision onProcessingError(ErrorHandlerContext context, Exception exception) {
        StreamMapping stream = byNode.get(context.processorNodeId());
        Failed failed = new Failed(context.topic(), context.partition(), context.offset(), context.timestamp(), context.sourceRawKey(),
                context.sourceRawValue(), context.headers());
        if (!(exception instanceof MalformedValueException)) {
            // Not the record's fault (e.g. the destination did not answer the tail read at task start, or an earlier copy's
            // send failed): skipping or dead-lettering it would lose a good record. Kafka Streams replaces the thread, which
            // reads it again.
            if (!isSendFailure(exception)) {   // that one was logged when it happened
                String who = stream == null ? "Ferry" : "Stream " + stream.name();
                long times = repeated.occurred(who + " processing " + exception.getClass().getName());
                if (times > 0) {
                    log.warn("{} could not process {}: {}. The record is not at fault, so on-error does not apply; the stream thread restarts "
                            + "from the last committed offsets and reads it again.{}", who, failed.where(), exception, repeated.since(times));
                }
            }
            return new Decision.Fail();
        }
        return decide(stream, FailureReason.MALFORMED_VALUE, failed, exception);
    }

    /**
     * A copy the destination refused. This arrives in the producer's callback, when the stream thread may already be on
     * later records, so the record's own bytes and stamped source coordinates describe it, not the context.
     */
    Decision onProductionError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            // Not Kafka Streams' retry: that revives only the task of the first failed record, commits the thread's other
            // tasks although their sends failed too, and so loses their records (architecture §2.1).
            long times = repeated.occurred("send " + record.topic() + " " + exception.getClass().getName());
            if (times > 0) {
                log.warn("The destination did not acknowledge copies sent to {} ({}). The stream thread stops without committing and is "
                        + "replaced: its tasks read again from the last committed source offsets, and what the destination has is not "
                        + "copied twice (ferry_records_unacknowledged_total).{}", record.topic(), exception, repeated.since(times));
            }
            return new Decision.Fail();
        }
        SourceHeaders.Coordinates source = plan.headers().read(record.headers());
        Failed failed = new Failed(source == null ? context.topic() : source.topic(), source == null ? -1 : source.partition(),
                source == null ? -1 : source.offset(), record.timestamp() == null ? -1 : record.timestamp(), record.key(), record.value(),
                record.headers());
        StreamMapping stream = byNode.get(context.processorNodeId());
        if (stream == null || !stream.source().selects(failed.topic())) {
            stream = plan.writerOf(failed.topic(), record.topic()).orElse(stream);
        }
        FailureReason reason = exception instanceof RecordTooLargeException ? FailureReason.TOO_LARGE : FailureReason.SEND_FAILED;
        Decision decision = decide(stream, reason, failed, exception);
        // Streams would send these dead letters from inside the producer's own callback, where a send to a topic whose
        // metadata is not cached blocks that very thread; a producer of our own writes them and waits for the ack.
        if (decision instanceof Decision.Resume resume && !resume.deadLetters().isEmpty()) {
            try {
                for (ProducerRecord<byte[], byte[]> deadLetter : resume.deadLetters()) {
                    deadLetters.send(deadLetter);
                }
            } catch (RuntimeException e) {
                stop.accept("stream " + stream.name() + " cannot write " + failed.where() + " to its dead-letter topic "
                        + stream.deadLetterTopic() + ": " + e.getMessage() + ". Ferry stops so that nothing is lost.");
                return new Decision.Fail();
            }
            return new Decision.Resume(List.of());
        }
        return decision;
    }

    private Decision decide(StreamMapping stream, FailureReason reason, Failed failed, Exception exception) {
        String where = failed.where();
        if (stream == null) {
            stop.accept("cannot copy " + where + " (no stream owns it): " + exception);
            return new Decision.Fail();
        }
        counters.forStream(stream.name()).recordFailed(reason);
        switch (stream.onError()) {
            case SKIP -> {
                logSkipped(stream, where, reason, exception);
                return new Decision.Resume(List.of());
            }
            case DEAD_LETTER -> {
                counters.forStream(stream.name()).recordDeadLettered();
                return new Decision.Resume(List.of(deadLetter(stream, reason, failed, exception)));
            }
            default -> {
                stop.accept("stream " + stream.name() + " cannot copy " + where + " (" + reason.tag() + "): " + exception.getMessage()
                        + ". on-error is fail, so Ferry stops here: nothing is skipped and the source offset stays uncommitted. Fix the record "
                        + "or the destination, or set " + stream.property() + ".on-error to skip or dead-letter.");
                return new Decision.Fail();
            }
        }
    }

    private void logSkipped(StreamMapping stream, String where, FailureReason reason, Exception exception) {
        long skipped = repeated.occurred("skip " + stream.name());
        if (skipped > 0) {
            log.warn("Stream {}: skipped {} record(s) it could not copy (on-error: skip); latest {} ({}: {})", stream.name(), skipped, where,
                    reason.tag(), exception.getMessage());
        }
    }

    /** A failed send of an earlier copy, rethrown by Kafka Streams at the next record: that failure was logged already. */
    private static boolean isSendFailure(Exception exception) {
        return exception instanceof StreamsException && exception.getCause() instanceof RetriableException;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(StreamMapping stream, FailureReason reason, Failed failed, Exception exception) {
        SourceHeaders names = plan.headers();
        Headers headers = new RecordHeaders();
        for (var header : failed.headers()) {
            if (!names.perHop().contains(header.key())) {
                headers.add(header);
            }
        }
        String prefix = names.cluster().substring(0, names.cluster().length() - "source.cluster".length());
        headers.add(names.cluster(), SourceHeaders.encode(plan.sourceAlias()));
        headers.add(names.topic(), SourceHeaders.encode(failed.topic()));
        headers.add(names.partition(), SourceHeaders.encode(failed.partition()));
        headers.add(names.offset(), SourceHeaders.encode(failed.offset()));
        headers.add(names.timestamp(), SourceHeaders.encode(failed.timestamp()));
        headers.add(prefix + "error.reason", SourceHeaders.encode(reason.tag()));
        headers.add(prefix + "error.class", SourceHeaders.encode(exception.getClass().getName()));
        headers.add(prefix + "error.message", String.valueOf(exception.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add(prefix + "error.stream", SourceHeaders.encode(stream.name()));
        return new ProducerRecord<>(stream.deadLetterTopic(), null, failed.timestamp() < 0 ? null : failed.timestamp(), failed.key(),
                failed.value(), headers);
    }

    /** Dead-letter topics of the streams that use them. */
    public static List<String> deadLetterTopics(ReplicationPlan plan) {
        return plan.streams().stream().filter(m -> m.onError() == ErrorPolicy.DEAD_LETTER).map(StreamMapping::deadLetterTopic).distinct().toList();
    }
}
