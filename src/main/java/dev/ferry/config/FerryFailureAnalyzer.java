package dev.ferry.config;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.mapping.TopicProvisioningException;

/** Turns Ferry's startup failures into Boot's short "what went wrong / what to do" report instead of a stack trace. */
class FerryFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TopicProvisioningException) {
                return new FailureAnalysis(t.getMessage(), "Fix the topics or the stream mapping named above, then start Ferry again.", t);
            }
            if (t instanceof ClusterUnavailableException) {
                return new FailureAnalysis(t.getMessage(), "Make the cluster reachable or correct its settings, then start Ferry again.", t);
            }
        }
        return null;
    }
}
