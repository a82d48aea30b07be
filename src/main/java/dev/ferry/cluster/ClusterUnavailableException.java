package dev.ferry.cluster;

/** A cluster did not answer, or refused, an administrative request Ferry needs to start or keep running. */
public final class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
