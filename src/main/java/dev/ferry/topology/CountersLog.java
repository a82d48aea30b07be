package dev.ferry.topology;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs, once per interval and per stream, what each stream copied and filtered since start and since the last line. */
public final class CountersLog {

    private static final Logger log = LoggerFactory.getLogger(CountersLog.class);

    private final ReplicationCounters counters;
    private final Map<String, StreamCounters.Snapshot> previous = new HashMap<>();

    public CountersLog(ReplicationCounters counters) {
        this.counters = counters;
    }

    public synchronized void logNow() {
        counters.all().forEach((name, c) -> {
            StreamCounters.Snapshot now = c.snapshot();
            StreamCounters.Snapshot before = previous.getOrDefault(name, StreamCounters.Snapshot.ZERO);
            previous.put(name, now);
            // shown once there is something to show: a destination that did not acknowledge copies in time
            String resent = now.unacknowledged() == 0 && now.recopied() == 0 ? ""
                    : ", unacknowledged and read again " + now.unacknowledged() + " (+" + (now.unacknowledged() - before.unacknowledged())
                    + "), copied again after a gap " + now.recopied() + " (+" + (now.recopied() - before.recopied()) + ")";
            log.info("Stream {}: copied {} (+{}), filtered {} (+{}), failed {} (+{}, dead-lettered {}), loops stopped {} (+{}), "
                            + "duplicates skipped {} (+{}){}",
                    name, now.copied(), now.copied() - before.copied(), now.filtered(), now.filtered() - before.filtered(),
                    now.failed(), now.failed() - before.failed(), now.deadLettered(), now.loops(), now.loops() - before.loops(),
                    now.duplicates(), now.duplicates() - before.duplicates(), resent);
        });
    }
}
