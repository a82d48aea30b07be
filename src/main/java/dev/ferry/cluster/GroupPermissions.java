package dev.ferry.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;

/** Whether Ferry's principal may use a consumer group, asked before the group is first joined. */
public final class GroupPermissions {

    private GroupPermissions() {
    }

    /**
     * Kafka Streams joins {@code group} on the source and commits the copied offsets there: it needs READ on it.
     *
     * @return the problem, naming the ACL to add; empty when allowed, or when the cluster does not say
     */
    public static Optional<String> missingRead(Admin admin, ClusterRef cluster, String group, Duration timeout) {
        String purpose = "Ferry's Kafka Streams consumer group (ferry.application-id): READ to join it and commit the source offsets copied";
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups().get(group)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<AclOperation> allowed = description.authorizedOperations();
            return allowed == null || allowed.contains(AclOperation.READ) ? Optional.empty()
                    : Optional.of(Refusals.missingAcl(cluster, "group", group, List.of(AclOperation.READ), purpose));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                return Optional.of(Refusals.missingAcl(cluster, "group", group, List.of(AclOperation.READ), purpose));
            }
            return Optional.empty();   // e.g. a group that does not exist yet on a broker that says so: Streams reports it later
        } catch (TimeoutException e) {
            return Optional.empty();   // the cluster check before this one reports a cluster that does not answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
