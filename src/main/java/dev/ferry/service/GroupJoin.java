package dev.ferry.service;

import java.time.Duration;
import java.util.List;
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
 * whether it has settled ({@code GroupAssignment}). Once joined, the instance stays joined: later rebalances, caused by
 * other instances coming and going, make it unready only while Streams itself says REBALANCING.
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
        Optional<String> why = unsettled.get();
        if (why.isPresent()) {
            waiting = "joining Kafka Streams group '" + group + "': " + why.get();
            return;
        }
        waiting = null;
        List<String> partitions = owned.get();
        log.info("Joined Kafka Streams group '{}' (its assignment has settled): this instance copies {} source partition(s){}", group,
                partitions == null ? "?" : partitions.size(), partitions != null && partitions.isEmpty()
                        ? "; it stands by, as the group has more stream threads than tasks" : "");
    }
}
