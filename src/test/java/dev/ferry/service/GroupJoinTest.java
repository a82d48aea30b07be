package dev.ferry.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupJoinTest {

    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
    private final AtomicReference<Optional<String>> group = new AtomicReference<>(Optional.of("6 source partition(s) wait for ..."));
    private final List<String> asked = new ArrayList<>();
    private final GroupJoin join = new GroupJoin("ferry-east-to-west", state::get, () -> {
        asked.add(state.get().name());
        return group.get();
    }, () -> List.of("orders-1"));

    @Test
    void joinedOnlyOnceKafkaStreamsRunsAndTheGroupHasSettled() {
        join.runOnce();
        assertThat(asked).as("the group is not asked while Kafka Streams rebalances").isEmpty();
        assertThat(join.waiting()).isNotNull();

        state.set(KafkaStreams.State.RUNNING);   // after a cooperative rebalance's first round
        join.runOnce();
        assertThat(join.waiting()).isEqualTo("joining Kafka Streams group 'ferry-east-to-west': 6 source partition(s) wait for ...");

        group.set(Optional.empty());
        join.runOnce();
        assertThat(join.waiting()).isNull();
        assertThat(asked).hasSize(2);
    }

    @Test
    void onceJoinedItStaysJoinedAndAsksNoMore() {
        state.set(KafkaStreams.State.RUNNING);
        group.set(Optional.empty());
        join.runOnce();
        assertThat(join.waiting()).isNull();

        // another instance joins later: the group rebalances, this one stays joined (Streams' own state says REBALANCING)
        group.set(Optional.of("the group is rebalancing (PREPARING_REBALANCE)"));
        state.set(KafkaStreams.State.REBALANCING);
        join.runOnce();
        state.set(KafkaStreams.State.RUNNING);
        join.runOnce();
        assertThat(join.waiting()).isNull();
        assertThat(asked).hasSize(1);
    }
}
