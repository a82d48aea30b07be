package dev.ferry.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One cluster's admin client, asked the way everything that follows the source asks: within the admin timeout, and a
 * cluster that does not answer or refuses is a {@link ClusterUnavailableException} naming the cluster, what was asked
 * and what to check. Topics are described with the operations Ferry may do on them, so that a missing right is found
 * before it is needed.
 */
public final class ClusterCalls {

    private final Admin admin;
    private final ClusterRef cluster;
    private final Duration timeout;

    public ClusterCalls(Admin admin, ClusterRef cluster, Duration timeout) {
        this.admin = admin;
        this.cluster = cluster;
        this.timeout = timeout;
    }

    public Admin admin() {
        return admin;
    }

    public ClusterRef cluster() {
        return cluster;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Descriptions of the topics that exist; missing ones are left out, and one Ferry may not describe is refused. */
    public Map<String, TopicDescription> describe(Set<String> topics) {
        Set<String> denied = new TreeSet<>();
        Map<String, TopicDescription> found = describe(topics, denied);
        if (!denied.isEmpty()) {
            throw new MissingPermissionsException(denied.stream().map(t -> Refusals.missingAcl(cluster, "topic", t, Set.of(AclOperation.DESCRIBE),
                    "Ferry reads its partition count")).toList());
        }
        return found;
    }

    /**
     * Descriptions of the topics that exist and that Ferry may describe, with the operations Ferry's principal may do
     * on each; missing ones are left out, and the ones it may not describe are added to {@code denied}.
     */
    public Map<String, TopicDescription> describe(Set<String> topics, Set<String> denied) {
        Map<String, TopicDescription> found = new HashMap<>();
        if (topics.isEmpty()) {
            return found;
        }
        admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues().forEach((name, future) -> {
            try {
                found.put(name, get(future, "describing topic '" + name + "'"));
            } catch (ClusterUnavailableException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    denied.add(name);
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        return found;
    }

    public static int partitions(TopicDescription description) {
        return description == null ? 0 : description.partitions().size();
    }

    /** The future's value within the timeout; a refusal keeps Kafka's exception as the cause. */
    public <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw noAnswer(what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(what, e.getCause());   // the admin client's own deadline came first
            }
            throw new ClusterUnavailableException(cluster.describeRole() + " refused " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("Interrupted while " + what + " on " + cluster, e);
        }
    }

    private ClusterUnavailableException noAnswer(String what, Throwable cause) {
        return new ClusterUnavailableException(cluster.describeRole() + " did not answer within " + timeout.toSeconds() + " s while "
                + what + ". Check " + cluster.property() + ".bootstrap-servers, the security settings in " + cluster.property()
                + ".properties, and that the cluster is up.", cause);
    }
}
