package dev.ferry.service;

import java.util.function.Function;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import dev.ferry.mapping.TopicProvisioningException;

/**
 * Failures of a stream thread that replacing the thread cannot fix: Ferry stops (liveness DOWN) with a reason an
 * operator can act on, instead of failing again and again. Kafka Streams' {@code MissingSourceTopicException} is not
 * one of them: it also comes from a topic that a source-pattern matched a moment ago and that was deleted, which a new
 * thread no longer subscribes; a named source topic that is gone stops Ferry at the next topic check, naming its stream.
 */
public final class FatalCauses {

    private FatalCauses() {
    }

    /** Why Ferry must stop, or null when replacing the thread is worth a try. */
    public static String reasonToStop(Throwable exception) {
        return reasonToStop(exception, denied -> "a cluster refused Ferry's permissions (" + denied.getMessage()
                + "); README \"Security\" lists the ACLs Ferry needs");
    }

    /** @param explain names the cluster, principal, resource and ACL of an authorization failure ({@code Refusals#authorization}) */
    public static String reasonToStop(Throwable exception, Function<AuthorizationException, String> explain) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof TopicProvisioningException) {
                return t.getMessage();   // a destination partition a task needs cannot exist (the stream may not follow the source)
            }
            if (t instanceof AuthorizationException denied) {
                return explain.apply(denied);
            }
            if (t instanceof AuthenticationException) {
                return "a cluster refused Ferry's credentials (" + t.getMessage()
                        + "); check the security settings in ferry.source.properties / ferry.destination.properties";
            }
        }
        return null;
    }
}
