package dev.ferry.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Whether Ferry's Kafka Streams group has settled: no rebalance under way and every source partition assigned to a
 * member. The second condition is there for Kafka's classic protocol: a rebalance that moves partitions takes two rounds
 * (cooperative rebalancing), the first takes them from their owners and gives them to nobody, the second gives them to
 * their new owners, and between the two the group looks stable. With the streams protocol (KIP-1071) the broker's
 * STABLE already means every member has its target assignment; coverage is checked all the same.
 */
public final class GroupAssignment {

    private GroupAssignment() {
    }

    /** The group as its coordinator describes it: its state and the source partitions assigned to any member. */
    record Snapshot(GroupState state, Set<TopicPartition> assigned) {
    }

    /**
     * @param expected the source partitions the group reads (those the last topic check found)
     * @return why the group has not settled; empty once it has
     * @throws ClusterUnavailableException   the source cluster did not answer within the timeout, or failed in a way worth retrying
     * @throws UnsupportedOperationException the cluster refused for good (authorization, a protocol the broker lacks): the
     *                                       question cannot be answered
     */
    public static Optional<String> unsettled(Admin admin, ClusterRef cluster, String group, boolean streamsProtocol, Set<TopicPartition> expected,
                                             Duration timeout) {
        try {
            return unsettled(streamsProtocol ? streamsGroup(admin, group, timeout) : classicGroup(admin, group, timeout), expected);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                throw new ClusterUnavailableException(cluster + " did not describe group '" + group + "': " + e.getCause().getMessage(), e.getCause());
            }
            throw new UnsupportedOperationException(cluster + " refused to describe group '" + group + "': " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException(cluster + " did not describe group '" + group + "' within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    static Optional<String> unsettled(Snapshot group, Set<TopicPartition> expected) {
        if (group.state() != GroupState.STABLE) {
            return Optional.of("the group is rebalancing (" + group.state() + ")");
        }
        Set<TopicPartition> waiting = new HashSet<>(expected);
        waiting.removeAll(group.assigned());
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        List<String> sample = waiting.stream().map(TopicPartition::toString).sorted().limit(5).toList();
        return Optional.of(waiting.size() + " source partition(s) wait for the group's next rebalance round to get an owner ("
                + String.join(", ", sample) + (waiting.size() > sample.size() ? ", ..." : "") + ")");
    }

    private static Snapshot classicGroup(Admin admin, String group, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Set<TopicPartition> assigned = new HashSet<>();
        description.members().forEach(m -> assigned.addAll(m.assignment().topicPartitions()));
        return new Snapshot(description.groupState(), assigned);
    }

    /** A streams group assigns tasks (subtopology, partition): task p of a subtopology reads partition p of each of its source topics. */
    private static Snapshot streamsGroup(Admin admin, String group, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).describedGroups().get(group)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, List<String>> sources = new HashMap<>();
        description.subtopologies().forEach(s -> sources.put(s.subtopologyId(), s.sourceTopics()));
        Set<TopicPartition> assigned = new HashSet<>();
        for (StreamsGroupMemberDescription member : description.members()) {
            for (StreamsGroupMemberAssignment.TaskIds tasks : member.assignment().activeTasks()) {
                for (String topic : sources.getOrDefault(tasks.subtopologyId(), List.of())) {
                    tasks.partitions().forEach(p -> assigned.add(new TopicPartition(topic, p)));
                }
            }
        }
        return new Snapshot(description.groupState(), assigned);
    }
}
