package dev.ferry.headers;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The source coordinate headers Ferry writes on every copy (architecture §3): their names, and how their values are
 * encoded (UTF-8 decimal text). The prefix is configurable; the names below it are fixed.
 */
public final class SourceHeaders {

    public static final String DEFAULT_PREFIX = "ferry.";

    private final String cluster;
    private final String topic;
    private final String partition;
    private final String offset;
    private final String timestamp;
    private final String origin;
    private final String prefix;
    private final List<String> perHop;

    public SourceHeaders(String prefix) {
        this.prefix = prefix;
        this.cluster = prefix + "source.cluster";
        this.topic = prefix + "source.topic";
        this.partition = prefix + "source.partition";
        this.offset = prefix + "source.offset";
        this.timestamp = prefix + "source.timestamp";
        this.origin = prefix + "origin.cluster";
        this.perHop = List.of(cluster, topic, partition, offset, timestamp);
    }

    public String cluster() {
        return cluster;
    }

    public String topic() {
        return topic;
    }

    public String partition() {
        return partition;
    }

    public String offset() {
        return offset;
    }

    public String timestamp() {
        return timestamp;
    }

    public String origin() {
        return origin;
    }

    /** The per-hop headers, replaced on every copy; {@link #origin()} is written once and kept. */
    public List<String> perHop() {
        return perHop;
    }

    /**
     * Writes the coordinates of one copy: replaces an earlier hop's {@code source.*} headers, keeps an existing origin
     * or sets it to {@code cluster}. The per-record hot path: one pass over the existing headers (the earlier hop's are
     * removed only when there are any), the text values pre-encoded by the caller, the numbers encoded straight to ASCII.
     */
    public void stamp(Headers headers, byte[] cluster, byte[] topic, int partition, long offset, long timestamp) {
        boolean hasOrigin = false;
        boolean hasEarlierHop = false;
        for (Header header : headers.toArray()) {
            String key = header.key();
            if (key.startsWith(prefix)) {
                if (key.equals(origin)) {
                    hasOrigin = true;
                } else if (perHop.contains(key)) {
                    hasEarlierHop = true;
                }
            }
        }
        if (hasEarlierHop) {
            for (String name : perHop) {
                headers.remove(name);
            }
        }
        headers.add(this.cluster, cluster);
        headers.add(this.topic, topic);
        headers.add(this.partition, encode(partition));
        headers.add(this.offset, encode(offset));
        headers.add(this.timestamp, encode(timestamp));
        if (!hasOrigin) {
            headers.add(origin, cluster);
        }
    }

    public static byte[] encode(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Decimal ASCII, as {@code Long.toString(number)} would write it, without the intermediate String. */
    public static byte[] encode(long number) {
        if (number == Long.MIN_VALUE) {
            return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
        }
        long rest = Math.abs(number);
        int digits = 1;
        for (long t = rest; t >= 10; t /= 10) {
            digits++;
        }
        int length = number < 0 ? digits + 1 : digits;
        byte[] text = new byte[length];
        for (int i = length - 1; i >= length - digits; i--) {
            text[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        if (number < 0) {
            text[0] = '-';
        }
        return text;
    }

    /** The header's value as text, or null when the header is absent or has a null value. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return (header == null || header.value() == null) ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The header's value as a decimal number, or -1 when absent or not a number. */
    public static long number(Headers headers, String name) {
        String text = text(headers, name);
        if (text == null) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
