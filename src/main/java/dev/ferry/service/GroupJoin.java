package dev.ferry.service;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance has finished joining the Kafka Streams group; readiness waits for it. Kafka Streams says RUNNING
 * after the first round of a cooperative rebalance already, while a new instance owns nothing yet and the partitions it is
 * to get are still being taken from their owners: ready then, a rolling update would stop the next old instance in the
 * middle of the rebalance. So, while Streams runs and the instance has not joined, this asks the group every half second
 * whether it has settled ({@code GroupAssignment}), and whether this instance kept running with the same partitions
 * while it asked (the group can settle a moment before this instance takes up its part). Once joined, the instance stays joined: later rebalances, caused by
 * other instances coming and going, make it unready only while Streams itself says REBALANCING. A cluster that does not
 * answer is asked again; one that refuses the question for good makes readiness fall back to Streams' RUNNING, with a
 * warning.
 */
public final class GroupJoin implements PeriodicCheck {

    private static final Logger log = LoggerFactory.getLogger(GroupJoin.class);
    /** How often the group is asked while joining; nothing is asked once joined. */
    static final Duration INTERVAL = Duration.ofMillis(500);

    private final String group;
    private final Supplier<KafkaStreams.State> state;
    private final Supplier<Optional<String>> unsettled;
    private final Supplier<List<String>> owned;
    private volatile String waiting = "Kafka Streams has not joined the group yet";

    /**
     * @param unsettled why the group has not settled, empty once it has ({@code GroupAssignment#unsettled})
     * @param owned     the source partitions this instance copies
     */
    public GroupJoin(String group, Supplier<KafkaStreams.State> state, Supplier<Optional<String>> unsettled, Supplier<List<String>> owned) {
        this.group = group;
        this.state = state;
        this.unsettled = unsettled;
        this.owned = owned;
    }

    /** Why this instance has not finished joining; null once it has. */
    public String waiting() {
        return waiting;
    }

    @Override
    public String name() {
        return "Group join check";
    }

    @Override
    public Duration interval() {
        return INTERVAL;
    }

    @Override
    public Duration initialDelay() {
        return Duration.ZERO;
    }

    @Override
    public void runOnce() {
        if (waiting == null || state.get() != KafkaStreams.State.RUNNING) {
            return;
        }
        List<String> before = owned.get();
        Optional<String> why;
        try {
            why = unsettled.get();
        } catch (UnsupportedOperationException refused) {
            // never ready would stall every rolling update: fall back to Kafka Streams' own RUNNING, and say so
            waiting = null;
            log.warn("Cannot tell whether Kafka Streams group '{}' has settled ({}); readiness follows Kafka Streams' RUNNING state alone, "
                    + "which a new instance reaches before a cooperative rebalance's second round", group, refused.getMessage());
            return;
        }
        if (why.isEmpty() && (state.get() != KafkaStreams.State.RUNNING || !Objects.equals(owned.get(), before))) {
            // the group settled while this instance was still taking up its part: ask again
            why = Optional.of("this instance is taking up its assignment");
        }
        if (why.isPresent()) {
            waiting = "joining Kafka Streams group '" + group + "': " + why.get();
            return;
        }
        waiting = null;
        log.info("Joined Kafka Streams group '{}' (its assignment has settled): this instance copies {} source partition(s){}", group,
                before == null ? "?" : before.size(), before != null && before.isEmpty()
                        ? "; it stands by, as the group has more stream threads than tasks" : "");
    }
}
