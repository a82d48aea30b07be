package dev.ferry.filter;

/** A JSON condition met a value that is not JSON. Thrown without a stack trace: it is data, not a bug. */
public final class MalformedValueException extends RuntimeException {

    public MalformedValueException(String message) {
        super(message, null, false, false);
    }
}
