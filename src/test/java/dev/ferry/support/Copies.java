package dev.ferry.support;

import org.apache.kafka.common.header.Headers;

import dev.ferry.headers.SourceHeaders;

/** Reads a copy's source coordinates in tests, whichever form they were written in (default prefix). */
public final class Copies {

    private static final SourceHeaders HEADERS = new SourceHeaders(SourceHeaders.DEFAULT_PREFIX);

    private Copies() {
    }

    /** Where the copy came from; fails the test when the record carries no source coordinates. */
    public static SourceHeaders.Coordinates of(Headers headers) {
        SourceHeaders.Coordinates coordinates = HEADERS.read(headers);
        if (coordinates == null) {
            throw new AssertionError("record has no source coordinates: " + headers);
        }
        return coordinates;
    }
}
