package dev.ferry.offsets;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.cluster.Refusals;

/**
 * How offset sync waits for the admin client's answers: within the admin timeout; a failure becomes an
 * {@link IllegalStateException} that says what was asked (health shows it per group), and a refusal by the authorizer
 * a {@link MissingPermissionsException} naming the group, the operation and the ACL to add.
 */
final class GroupCalls {

    static final String DESTINATION_GROUP_PURPOSE = "offset sync commits the group's translated offsets there; READ also lets it "
            + "see whether the group is active";

    private final Duration timeout;

    GroupCalls(Duration timeout) {
        this.timeout = timeout;
    }

    /** The call's result; a refusal of {@code operation} on {@code group} becomes a {@link MissingPermissionsException}. */
    static <T> T allowed(Supplier<T> call, ClusterRef cluster, String group, AclOperation operation, String purpose) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingPermissionsException(List.of(Refusals.missingAcl(cluster, "group", group, List.of(operation), purpose)));
            }
            throw e;
        }
    }

    /** The future's value, or empty when it failed with {@code notFound}. */
    <T> Optional<T> find(KafkaFuture<T> future, Class<? extends Exception> notFound, String what) {
        try {
            return Optional.of(get(future, what));
        } catch (IllegalStateException e) {
            if (notFound.isInstance(e.getCause())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer within " + timeout.toSeconds() + " s " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted " + what, e);
        }
    }
}
