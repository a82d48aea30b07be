package dev.ferry.headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The source coordinates Ferry writes on every copy (architecture §3), and the one place that reads them back.
 * <p>
 * Two forms, both read wherever a copy is read (translation, the tail read, loop prevention), so a destination topic
 * may hold both:
 * <ul>
 * <li>{@link Format#COMPACT} (written by default): one header named after the prefix without its trailing separator
 * ({@code ferry}), value {@code <cluster>/<topic>-<partition>@<offset>} in ASCII, e.g. {@code east/orders-3@1234}.
 * The origin header ({@code ferry.origin.cluster}) is added only when the origin is not the hop's source cluster
 * (a copy of a copy); the source timestamp is the copy's own timestamp.</li>
 * <li>{@link Format#TEXT} (Ferry before the compact form, and {@code ferry.header-format: text}): six headers,
 * {@code ferry.source.cluster}, {@code .topic}, {@code .partition}, {@code .offset}, {@code .timestamp} and
 * {@code ferry.origin.cluster}, each value UTF-8 text.</li>
 * </ul>
 * Aliases and topic names cannot contain {@code /} or {@code @}, and the partition is digits, so the compact value
 * parses without escapes.
 */
public final class SourceHeaders {

    public static final String DEFAULT_PREFIX = "ferry.";

    /** How the coordinates are written; both are always read. */
    public enum Format { COMPACT, TEXT }

    /** Where a copy came from, as read back from its headers; {@code origin} is the cluster the record first came from. */
    public record Coordinates(String cluster, String topic, int partition, long offset, String origin) {
    }

    private final Format format;
    private final String compact;
    private final String cluster;
    private final String topic;
    private final String partition;
    private final String offset;
    private final String timestamp;
    private final String origin;
    private final List<String> textPerHop;
    private final List<String> perHop;

    public SourceHeaders(String prefix) {
        this(prefix, Format.COMPACT);
    }

    public SourceHeaders(String prefix, Format format) {
        this.format = format;
        this.compact = compactName(prefix);
        this.cluster = prefix + "source.cluster";
        this.topic = prefix + "source.topic";
        this.partition = prefix + "source.partition";
        this.offset = prefix + "source.offset";
        this.timestamp = prefix + "source.timestamp";
        this.origin = prefix + "origin.cluster";
        this.textPerHop = List.of(cluster, topic, partition, offset, timestamp);
        this.perHop = List.of(compact, cluster, topic, partition, offset, timestamp);
    }

    /** {@code ferry.} -> {@code ferry}: the prefix without one trailing '.', '-' or '_'. */
    static String compactName(String prefix) {
        boolean separator = prefix.length() > 1 && ".-_".indexOf(prefix.charAt(prefix.length() - 1)) >= 0;
        return separator ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    public Format format() {
        return format;
    }

    /** The compact header's name. */
    public String compact() {
        return compact;
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

    /** The per-hop headers of both forms, replaced on every copy; {@link #origin()} is written once and kept. */
    public List<String> perHop() {
        return perHop;
    }

    /** The names this configuration writes on a first copy, in order (documentation). */
    public List<String> written() {
        return format == Format.COMPACT ? List.of(compact) : List.of(cluster, topic, partition, offset, timestamp, origin);
    }

    /** Writes the coordinates of copies of one source topic; the cluster and topic are encoded once, here. */
    public Stamp stamp(String sourceCluster, String sourceTopic) {
        return new Stamp(encode(sourceCluster), encode(sourceTopic), encode(sourceCluster + "/" + sourceTopic + "-"));
    }

    /**
     * The coordinates of copies of one source topic. {@link #apply} is the per-record hot path: one pass over the existing
     * headers (an earlier hop's are removed only when there are any), one array for the compact value.
     */
    public final class Stamp {
        private final byte[] sourceCluster;
        private final byte[] sourceTopic;
        private final byte[] compactPrefix;

        private Stamp(byte[] sourceCluster, byte[] sourceTopic, byte[] compactPrefix) {
            this.sourceCluster = sourceCluster;
            this.sourceTopic = sourceTopic;
            this.compactPrefix = compactPrefix;
        }

        /**
         * Replaces an earlier hop's coordinates (either form) with this copy's, and keeps where the record first came
         * from: an existing origin header stays; otherwise an earlier hop's source cluster becomes the origin.
         */
        public void apply(Headers headers, int sourcePartition, long sourceOffset, long sourceTimestamp) {
            boolean hasOrigin = false;
            boolean hasEarlierText = false;
            Header earlierCompact = null;
            byte[] earlierTextCluster = null;
            for (Header header : headers) {   // not toArray(): no copy of the list per record
                String key = header.key();
                if (key.startsWith(compact)) {
                    if (key.equals(compact)) {
                        earlierCompact = header;
                    } else if (key.equals(origin)) {
                        hasOrigin = true;
                    } else if (textPerHop.contains(key)) {
                        hasEarlierText = true;
                        if (key.equals(cluster)) {
                            earlierTextCluster = header.value();
                        }
                    }
                }
            }
            byte[] firstCluster = sourceCluster;
            if (!hasOrigin && earlierCompact != null && earlierCompact.value() != null) {
                byte[] earlier = clusterOf(earlierCompact.value());
                firstCluster = earlier != null ? earlier : sourceCluster;
            } else if (!hasOrigin && earlierTextCluster != null) {
                firstCluster = earlierTextCluster;
            }
            if (earlierCompact != null) {
                headers.remove(compact);
            }
            if (hasEarlierText) {
                for (String name : textPerHop) {
                    headers.remove(name);
                }
            }
            if (format == Format.COMPACT) {
                headers.add(compact, compactValue(sourcePartition, sourceOffset));
                if (!hasOrigin && !Arrays.equals(firstCluster, sourceCluster)) {
                    headers.add(origin, firstCluster);
                }
            } else {
                headers.add(cluster, sourceCluster);
                headers.add(topic, sourceTopic);
                headers.add(partition, encode(sourcePartition));
                headers.add(offset, encode(sourceOffset));
                headers.add(timestamp, encode(sourceTimestamp));
                if (!hasOrigin) {
                    headers.add(origin, firstCluster);
                }
            }
        }

        /** {@code <cluster>/<topic>-} then the partition, {@code @} and the offset in decimal ASCII, in one array. */
        private byte[] compactValue(int sourcePartition, long sourceOffset) {
            int partitionDigits = digits(sourcePartition);
            int offsetDigits = digits(sourceOffset);
            byte[] value = new byte[compactPrefix.length + partitionDigits + 1 + offsetDigits];
            System.arraycopy(compactPrefix, 0, value, 0, compactPrefix.length);
            int at = compactPrefix.length + partitionDigits;
            writeDigits(value, at, sourcePartition);
            value[at] = '@';
            writeDigits(value, value.length, sourceOffset);
            return value;
        }
    }

    /**
     * Whether the record came first from the cluster with this alias (loop prevention, per record): the origin header
     * when there is one, else the source cluster of the compact form (a first copy).
     */
    public boolean originatesOn(Headers headers, byte[] alias) {
        Header originHeader = headers.lastHeader(origin);
        if (originHeader != null) {
            return Arrays.equals(originHeader.value(), alias);
        }
        Header compactHeader = headers.lastHeader(compact);
        if (compactHeader == null || compactHeader.value() == null) {
            return false;
        }
        byte[] value = compactHeader.value();
        if (value.length <= alias.length || value[alias.length] != '/') {
            return false;
        }
        return Arrays.equals(value, 0, alias.length, alias, 0, alias.length);
    }

    /** Where a copy came from, from either form; null for a record without (complete) coordinates. */
    public Coordinates read(Headers headers) {
        Header compactHeader = headers.lastHeader(compact);
        String originCluster = text(headers, origin);
        if (compactHeader != null && compactHeader.value() != null) {
            return parse(compactHeader.value(), originCluster);
        }
        String sourceTopic = text(headers, topic);
        long sourcePartition = number(headers, partition);
        long sourceOffset = number(headers, offset);
        if (sourceTopic == null || sourcePartition < 0 || sourcePartition > Integer.MAX_VALUE || sourceOffset < 0) {
            return null;
        }
        String sourceCluster = text(headers, cluster);
        return new Coordinates(sourceCluster, sourceTopic, (int) sourcePartition, sourceOffset, originCluster != null ? originCluster : sourceCluster);
    }

    /** Parses {@code <cluster>/<topic>-<partition>@<offset>}; null when the value does not have that shape. */
    static Coordinates parse(byte[] value, String originCluster) {
        String text = new String(value, StandardCharsets.US_ASCII);
        int slash = text.indexOf('/');
        int at = text.lastIndexOf('@');
        int dash = at < 0 ? -1 : text.lastIndexOf('-', at);
        if (slash < 1 || dash <= slash + 1 || at <= dash + 1 || at == text.length() - 1) {
            return null;
        }
        long sourcePartition = digitsValue(text, dash + 1, at);
        long sourceOffset = digitsValue(text, at + 1, text.length());
        if (sourcePartition < 0 || sourcePartition > Integer.MAX_VALUE || sourceOffset < 0) {
            return null;
        }
        String sourceCluster = text.substring(0, slash);
        return new Coordinates(sourceCluster, text.substring(slash + 1, dash), (int) sourcePartition, sourceOffset,
                originCluster != null ? originCluster : sourceCluster);
    }

    /** The cluster part of a compact value (up to the first '/'), or null when there is none. */
    private static byte[] clusterOf(byte[] value) {
        for (int i = 1; i < value.length; i++) {
            if (value[i] == '/') {
                return Arrays.copyOf(value, i);
            }
        }
        return null;
    }

    /** The non-negative decimal number in text[from, to), or -1 when it is not one (or does not fit a long). */
    private static long digitsValue(String text, int from, int to) {
        if (to - from > 19) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || n > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    public static byte[] encode(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Decimal ASCII, as {@code Long.toString(number)} would write it, without the intermediate String. */
    public static byte[] encode(long number) {
        if (number == Long.MIN_VALUE) {
            return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
        }
        int digits = digits(Math.abs(number));
        byte[] text = new byte[number < 0 ? digits + 1 : digits];
        writeDigits(text, text.length, Math.abs(number));
        if (number < 0) {
            text[0] = '-';
        }
        return text;
    }

    private static int digits(long nonNegative) {
        int digits = 1;
        for (long t = nonNegative; t >= 10; t /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes a non-negative number's decimal digits so that the last one lands just before {@code end}. */
    private static void writeDigits(byte[] target, int end, long nonNegative) {
        long rest = nonNegative;
        int i = end - 1;
        do {
            target[i--] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest > 0);
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
