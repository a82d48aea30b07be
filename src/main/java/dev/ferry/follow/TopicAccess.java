package dev.ferry.follow;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.Refusals;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.StreamMapping;

/**
 * What Ferry needs to be allowed on each topic it reads or writes (README "Security"), and the one-line refusal that
 * names the cluster, principal, topic, the missing operations, what each is for, and the ACL to add.
 */
final class TopicAccess {

    /** What Ferry does on a source topic: READ to copy it, DESCRIBE_CONFIGS to follow its settings. */
    static final Set<AclOperation> SOURCE_TOPIC_NEEDS = Collections.unmodifiableSet(new TreeSet<>(Set.of(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS)));

    private static final Map<AclOperation, String> PURPOSES = Map.of(
            AclOperation.READ, "READ to read its records",
            AclOperation.DESCRIBE, "DESCRIBE to see it",
            AclOperation.DESCRIBE_CONFIGS, "DESCRIBE_CONFIGS to read its settings",
            AclOperation.WRITE, "WRITE to write copies",
            AclOperation.ALTER_CONFIGS, "ALTER_CONFIGS to read and follow the source's settings",
            AclOperation.ALTER, "ALTER to add partitions as the source gains them",
            AclOperation.CREATE, "CREATE to create it");

    private final ClusterRef source;
    private final ClusterRef destination;

    TopicAccess(ClusterRef source, ClusterRef destination) {
        this.source = source;
        this.destination = destination;
    }

    /**
     * What Ferry does on a destination topic of {@code stream}. ALTER_CONFIGS includes DESCRIBE_CONFIGS, and READ and
     * WRITE include DESCRIBE, in Kafka's authorizer.
     */
    static Set<AclOperation> destinationNeeds(StreamMapping stream) {
        Set<AclOperation> ops = new TreeSet<>(Set.of(AclOperation.WRITE, AclOperation.READ, AclOperation.ALTER_CONFIGS));
        if (stream.partitioning() == Partitioning.PRESERVE && stream.followPartitions()) {
            ops.add(AclOperation.ALTER);
        }
        return ops;
    }

    /** @param readers why Ferry reads it, e.g. "stream 'orders' copies it" */
    String sourceProblem(String topic, Set<AclOperation> ops, String readers) {
        return Refusals.missingAcl(source, "topic", topic, ops, readers + ": " + purposes(ops));
    }

    /**
     * @param notEvenDescribe Ferry may not even see the topic
     * @param topicNeeds      everything Ferry does on the topic: tells a topic of copies (READ among them) from a dead-letter topic
     */
    String destinationProblem(String topic, Set<AclOperation> ops, boolean notEvenDescribe, Set<AclOperation> topicNeeds) {
        Set<AclOperation> all = new TreeSet<>(ops == null ? Set.of() : ops);
        if (notEvenDescribe) {
            all.add(AclOperation.DESCRIBE);
        }
        String why = topicNeeds != null && topicNeeds.contains(AclOperation.READ)
                ? "Ferry copies into it, and reads it back for the duplicate check after a restart and for offset translation: "
                : "dead letters go there: ";
        return Refusals.missingAcl(destination, "topic", topic, all, why + purposes(all));
    }

    /** The operations of {@code needed} that the description says Ferry may not do; empty if all allowed or unknown. */
    static Optional<Set<AclOperation>> missing(TopicDescription description, Set<AclOperation> needed) {
        Set<AclOperation> allowed = description.authorizedOperations();
        if (allowed == null || needed == null) {
            return Optional.empty();   // a broker that does not report them: Kafka's own refusal comes later
        }
        Set<AclOperation> missing = new TreeSet<>(needed);
        missing.removeAll(allowed);
        return missing.isEmpty() ? Optional.empty() : Optional.of(missing);
    }

    private static String purposes(Collection<AclOperation> ops) {
        return ops.stream().map(o -> PURPOSES.getOrDefault(o, o.name())).collect(Collectors.joining(", "));
    }
}
