package dev.ferry.cluster;

import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupAssignmentTest {

    private static final Set<TopicPartition> SOURCE = Set.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1),
            new TopicPartition("orders", 2), new TopicPartition("payments", 0));

    private static MemberDescription member(String id, TopicPartition... owned) {
        return new MemberDescription(id, id + "-client", "/127.0.0.1", new MemberAssignment(Set.of(owned)));
    }

    @Test
    void settledWhenEverySourcePartitionHasAnOwner() {
        assertThat(GroupAssignment.unassigned(List.of(member("a", new TopicPartition("orders", 0), new TopicPartition("payments", 0)),
                member("b", new TopicPartition("orders", 1), new TopicPartition("orders", 2))), SOURCE)).isEmpty();
    }

    @Test
    void betweenTheTwoRoundsOfACooperativeRebalanceTheMovedPartitionsHaveNoOwner() {
        // round one took orders-1 and payments-0 from "a" and gave them to nobody; the newcomer "c" owns nothing yet
        assertThat(GroupAssignment.unassigned(List.of(member("a", new TopicPartition("orders", 0)),
                member("b", new TopicPartition("orders", 2)), member("c")), SOURCE))
                .hasValue("2 source partition(s) wait for the group's next rebalance round to get an owner (orders-1, payments-0)");
    }
}
