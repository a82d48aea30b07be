package dev.ferry.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One log line per cause and interval: the first occurrence of a cause always shows, repeats within the interval are
 * only counted, and the next line that passes says how many there were. A cause that every stream thread, and every
 * thread that replaces one, meets again (an unreachable destination) then shows once, not once per thread.
 */
public final class RepeatedLog {

    private final Clock clock;
    private final Duration interval;
    private final Map<String, Instant> lastLine = new ConcurrentHashMap<>();
    private final Map<String, Long> held = new ConcurrentHashMap<>();

    public RepeatedLog(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * @return -1 when this occurrence of {@code cause} is only counted; otherwise the log line is due, and the result
     * is how many occurrences were counted since the last line, this one included
     */
    public synchronized long occurred(String cause) {
        long count = held.merge(cause, 1L, Long::sum);
        Instant now = clock.instant();
        Instant last = lastLine.get(cause);
        if (last != null && now.isBefore(last.plus(interval))) {
            return -1;
        }
        lastLine.put(cause, now);
        held.put(cause, 0L);
        return count;
    }

    /** What to add to the line when it stands for more than one occurrence. */
    public String since(long count) {
        return count > 1 ? " (" + count + " times in the last " + interval.toSeconds() + " s)" : "";
    }
}
