package dev.ferry.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether Ferry's Kafka Streams group has settled: every source partition is assigned to a member and no rebalance is
 * under way. With Kafka's classic protocol a rebalance that moves partitions takes two rounds (cooperative rebalancing):
 * the first takes them from their owners and gives them to nobody, the second gives them to their new owners, and between
 * the two the group looks stable. So the classic check also needs every source partition in some member's assignment.
 * With the streams protocol (KIP-1071) the broker says it itself: STABLE once every member has its target assignment.
 */
public final class GroupAssignment {

    private GroupAssignment() {
    }

    /**
     * @param expected the source partitions the group reads (those the last topic check found)
     * @return why the group has not settled; empty once it has
     * @throws ClusterUnavailableException the source cluster did not answer within the timeout
     */
    public static Optional<String> unsettled(Admin admin, ClusterRef cluster, String group, boolean streamsProtocol, Set<TopicPartition> expected,
                                             Duration timeout) {
        try {
            if (streamsProtocol) {
                StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).describedGroups().get(group)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return description.groupState() == GroupState.STABLE ? Optional.empty()
                        : Optional.of("the group is " + description.groupState() + ", not every member has its target assignment yet");
            }
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (description.groupState() != GroupState.STABLE) {
                return Optional.of("the group is rebalancing (" + description.groupState() + ")");
            }
            return unassigned(description.members(), expected);
        } catch (ExecutionException e) {
            return Optional.of("describing group '" + group + "' on " + cluster + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException(cluster + " did not describe group '" + group + "' within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    static Optional<String> unassigned(Collection<MemberDescription> members, Set<TopicPartition> expected) {
        Set<TopicPartition> waiting = new HashSet<>(expected);
        members.forEach(m -> waiting.removeAll(m.assignment().topicPartitions()));
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        List<String> sample = waiting.stream().map(TopicPartition::toString).sorted().limit(5).toList();
        return Optional.of(waiting.size() + " source partition(s) wait for the group's next rebalance round to get an owner (" + String.join(", ", sample)
                + (waiting.size() > sample.size() ? ", ..." : "") + ")");
    }
}
