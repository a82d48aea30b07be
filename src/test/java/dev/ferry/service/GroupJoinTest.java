package dev.ferry.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ferry.cluster.ClusterUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void notWhileThisInstanceIsStillTakingUpWhatTheSettledGroupAssignedIt() {
        // the group settles (second round done) while this instance still copies its first-round share, then takes up the new one
        AtomicReference<List<String>> owned = new AtomicReference<>(List.of());
        GroupJoin racing = new GroupJoin("ferry-east-to-west", () -> KafkaStreams.State.RUNNING, () -> {
            owned.set(List.of("orders-1", "orders-4"));
            return Optional.empty();
        }, owned::get);
        racing.runOnce();
        assertThat(racing.waiting()).isEqualTo("joining Kafka Streams group 'ferry-east-to-west': this instance is taking up its assignment");
        racing.runOnce();
        assertThat(racing.waiting()).isNull();
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

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aGroupThatCannotBeDescribedLeavesReadinessToKafkaStreamsWithAWarning(CapturedOutput output) {
        GroupJoin refused = new GroupJoin("ferry-east-to-west", () -> KafkaStreams.State.RUNNING, () -> {
            throw new UnsupportedOperationException("source cluster 'east' refused to describe group 'ferry-east-to-west': ...");
        }, List::of);
        refused.runOnce();
        assertThat(refused.waiting()).isNull();
        assertThat(output).contains("Cannot tell whether Kafka Streams group 'ferry-east-to-west' has settled (source cluster 'east' refused",
                "readiness follows Kafka Streams' RUNNING state alone");
    }

    @Test
    void aClusterThatDoesNotAnswerIsAskedAgain() {
        GroupJoin silent = new GroupJoin("ferry-east-to-west", () -> KafkaStreams.State.RUNNING, () -> {
            throw new ClusterUnavailableException("source cluster 'east' did not describe group 'ferry-east-to-west' within 5000 ms", null);
        }, List::of);
        assertThatThrownBy(silent::runOnce).isInstanceOf(ClusterUnavailableException.class);
        assertThat(silent.waiting()).isNotNull();
    }
}
