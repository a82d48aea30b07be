package dev.ferry.topology;

/** Why a record could not be copied; the value of the {@code reason} metric tag and of the dead-letter header. */
public enum FailureReason {
    MALFORMED_VALUE("malformed-value"),
    TOO_LARGE("too-large"),
    SEND_FAILED("send-failed");

    private final String tag;

    FailureReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
