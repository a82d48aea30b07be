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
            StreamCounters.Snapshot before = previous.getOrDefault(name, new StreamCounters.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0));
            previous.put(name, now);
            log.info("Stream {}: copied {} (+{}), filtered {} (+{}), failed {} (+{}, dead-lettered {}), loops stopped {} (+{}), "
                            + "duplicates skipped {} (+{})",
                    name, now.copied(), now.copied() - before.copied(), now.filtered(), now.filtered() - before.filtered(),
                    now.failed(), now.failed() - before.failed(), now.deadLettered(), now.loops(), now.loops() - before.loops(),
                    now.duplicates(), now.duplicates() - before.duplicates());
        });
    }
}
