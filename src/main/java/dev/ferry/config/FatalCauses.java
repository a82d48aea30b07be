package dev.ferry.config;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;

/**
 * Failures of a stream thread that replacing the thread cannot fix: Ferry stops (liveness DOWN) with a reason an
 * operator can act on, instead of failing again and again.
 */
final class FatalCauses {

    private FatalCauses() {
    }

    /** Why Ferry must stop, or null when replacing the thread is worth a try. */
    static String reasonToStop(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof MissingSourceTopicException) {
                return "a source topic was deleted while Ferry reads it (" + t.getMessage() + "); restore the topic or remove its stream";
            }
            if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
                return "a cluster refused Ferry's credentials or permissions (" + t.getMessage()
                        + "); check the security settings in ferry.source.properties / ferry.destination.properties and the ACLs";
            }
        }
        return null;
    }
}
