package dev.ferry.mapping;

/** A source or destination topic is missing or unfit for its stream; the message names the stream, topics and fix. */
public class TopicProvisioningException extends RuntimeException {

    public TopicProvisioningException(String message) {
        super(message);
    }
}
