package dev.ferry.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the destination takes Ferry's copies. Its cluster check only asks for metadata, which one surviving broker
 * still answers while no partition can be written (two of three nodes down: no leader, or fewer in-sync replicas than
 * {@code min.insync.replicas}), so this looks at the writes themselves: the producer's interceptor counts each copy
 * handed to the producer, acknowledged, or failed, and {@link #sample()}, every second, notes when the acknowledged
 * count last moved. Copies waiting while none was acknowledged for longer than the patience is a stall: readiness
 * says so, and it is logged once when it starts and once when it ends. A failed send is no progress (past
 * {@code delivery.timeout.ms} the stream threads fail and are replaced, their copies settle as failures, and the new
 * threads' tasks may not even get to send while they read the destination's tail), so a stall ends with an
 * acknowledgement, or once nothing has waited for the patience while the source lag is known to be 0 (it went quiet).
 */
public final class WriteProgress {

    private static final Logger log = LoggerFactory.getLogger(WriteProgress.class);

    private final LongAdder handed = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final long patienceNanos;
    private final LongSupplier nanos;
    private final LongSupplier sourceLag;
    private long lastAcknowledged;
    private long movedAt;
    private long idleSince = -1;
    private volatile String stall;

    /**
     * @param patience  how long copies may wait with none acknowledged before it counts as a stall
     * @param sourceLag the largest lag of a source partition this instance reads, -1 while unknown
     */
    public WriteProgress(Duration patience, LongSupplier sourceLag) {
        this(patience, sourceLag, System::nanoTime);
    }

    WriteProgress(Duration patience, LongSupplier sourceLag, LongSupplier nanos) {
        this.patienceNanos = patience.toNanos();
        this.sourceLag = sourceLag;
        this.nanos = nanos;
        this.movedAt = nanos.getAsLong();
    }

    /** A copy was handed to the producer. */
    void handed() {
        handed.increment();
    }

    /** The destination acknowledged a copy. */
    void acknowledged() {
        acknowledged.increment();
    }

    /** A copy's send failed for good (it is read again from the source). */
    void failed() {
        failed.increment();
    }

    /** Looks at the counts once (Ferry's scheduler calls it every second). */
    public synchronized void sample() {
        long now = nanos.getAsLong();
        long done = acknowledged.sum();
        long waiting = handed.sum() - done - failed.sum();
        if (done != lastAcknowledged) {
            lastAcknowledged = done;
            end(now, "acknowledges Ferry's copies again");
            return;
        }
        if (waiting <= 0) {
            if (stall == null) {
                movedAt = now;
            } else if (sourceLag.getAsLong() != 0) {
                idleSince = -1;   // records to copy, none sent: tasks that cannot start are no recovery
            } else if (idleSince < 0) {
                idleSince = now;
            } else if (now - idleSince >= patienceNanos) {
                end(now, "has no copy waiting any more and the source has nothing left to copy (none was acknowledged)");
            }
            return;
        }
        idleSince = -1;
        long stuck = now - movedAt;
        if (stuck >= patienceNanos) {
            boolean starts = stall == null;
            stall = waiting + (waiting == 1 ? " copy waits" : " copies wait") + ", and the destination acknowledged none for " + TimeUnit.NANOSECONDS.toSeconds(stuck) + " s (a "
                    + "partition without a leader, fewer in-sync replicas than min.insync.replicas, or a link that passes nothing)";
            if (starts) {
                log.warn("Not ready: {}. The producer retries until delivery.timeout.ms; nothing is committed on the source meanwhile.", stall);
            }
        }
    }

    private void end(long now, String what) {
        if (stall != null) {
            log.info("The destination {}, after {} s without", what, TimeUnit.NANOSECONDS.toSeconds(now - movedAt));
        }
        movedAt = now;
        idleSince = -1;
        stall = null;
    }

    /** Why the destination takes no copies now, or null while it does (or nothing waits). */
    public String stall() {
        return stall;
    }
}
