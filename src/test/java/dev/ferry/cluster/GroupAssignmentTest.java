package dev.ferry.cluster;

import java.util.Set;

import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupAssignmentTest {

    private static final TopicPartition O0 = new TopicPartition("orders", 0);
    private static final TopicPartition O1 = new TopicPartition("orders", 1);
    private static final TopicPartition O2 = new TopicPartition("orders", 2);
    private static final TopicPartition P0 = new TopicPartition("payments", 0);
    private static final Set<TopicPartition> SOURCE = Set.of(O0, O1, O2, P0);

    @Test
    void settledWhenStableAndEverySourcePartitionHasAnOwner() {
        GroupAssignment.Snapshot group = new GroupAssignment.Snapshot(GroupState.STABLE, Set.of(O0, P0, O1, O2));
        assertThat(GroupAssignment.unsettled(group, SOURCE)).isEmpty();
    }

    @Test
    void notWhileTheGroupRebalances() {
        GroupAssignment.Snapshot group = new GroupAssignment.Snapshot(GroupState.PREPARING_REBALANCE, Set.of(O0, O1, O2, P0));
        assertThat(GroupAssignment.unsettled(group, SOURCE)).hasValue("the group is rebalancing (PreparingRebalance)");
    }

    @Test
    void notBetweenTheTwoRoundsOfACooperativeRebalanceWhenTheMovedPartitionsHaveNoOwner() {
        // round one took orders-1 and payments-0 from their owner and gave them to nobody; the newcomer owns nothing yet
        GroupAssignment.Snapshot group = new GroupAssignment.Snapshot(GroupState.STABLE, Set.of(O0, O2));
        assertThat(GroupAssignment.unsettled(group, SOURCE))
                .hasValue("2 source partition(s) wait for the group's next rebalance round to get an owner (orders-1, payments-0)");
    }
}
