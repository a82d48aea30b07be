package dev.ferry.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.TopicProvisioningException;

/** Turns Ferry's startup failures into Boot's short "what went wrong / what to do" report instead of a stack trace. */
class FerryFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuntimeException cause) {
        if (cause instanceof TopicProvisioningException) {
            return new FailureAnalysis(cause.getMessage(), "Fix the topics or the stream mapping named above, then start Ferry again.", cause);
        }
        if (cause instanceof ClusterUnavailableException) {
            return new FailureAnalysis(cause.getMessage(), "Make the cluster reachable or correct its settings, then start Ferry again.", cause);
        }
        return null;
    }
}
