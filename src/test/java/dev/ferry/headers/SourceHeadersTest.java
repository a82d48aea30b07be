package dev.ferry.headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceHeadersTest {

    private final SourceHeaders names = new SourceHeaders("ferry.");
    private final byte[] east = SourceHeaders.encode("east");
    private final byte[] orders = SourceHeaders.encode("orders");

    @ParameterizedTest
    @ValueSource(longs = {0, 7, 9, 10, 99, 100, 1_234_567, 1_763_700_000_000L, -1, -10, -987_654_321, Long.MAX_VALUE, Long.MIN_VALUE})
    void encodesNumbersAsDecimalAscii(long number) {
        assertThat(new String(SourceHeaders.encode(number), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(number));
    }

    @Test
    void stampsAFirstCopyAndKeepsTheRecordsOwnHeaders() {
        Headers headers = new RecordHeaders().add("region", SourceHeaders.encode("eu"));
        names.stamp(headers, east, orders, 3, 42, 1_000);

        assertThat(keys(headers)).containsExactly("region", "ferry.source.cluster", "ferry.source.topic", "ferry.source.partition",
                "ferry.source.offset", "ferry.source.timestamp", "ferry.origin.cluster");
        assertThat(SourceHeaders.text(headers, "region")).isEqualTo("eu");
        assertThat(SourceHeaders.number(headers, names.partition())).isEqualTo(3);
        assertThat(SourceHeaders.number(headers, names.offset())).isEqualTo(42);
        assertThat(SourceHeaders.number(headers, names.timestamp())).isEqualTo(1_000);
        assertThat(SourceHeaders.text(headers, names.origin())).isEqualTo("east");
    }

    @Test
    void aSecondHopReplacesTheSourceHeadersAndKeepsTheOrigin() {
        Headers headers = new RecordHeaders();
        names.stamp(headers, east, orders, 3, 42, 1_000);
        names.stamp(headers, SourceHeaders.encode("west"), SourceHeaders.encode("east.orders"), 1, 7, 2_000);

        assertThat(keys(headers)).containsExactly("ferry.origin.cluster", "ferry.source.cluster", "ferry.source.topic",
                "ferry.source.partition", "ferry.source.offset", "ferry.source.timestamp");
        assertThat(SourceHeaders.text(headers, names.cluster())).isEqualTo("west");
        assertThat(SourceHeaders.text(headers, names.topic())).isEqualTo("east.orders");
        assertThat(SourceHeaders.number(headers, names.offset())).isEqualTo(7);
        assertThat(SourceHeaders.text(headers, names.origin())).isEqualTo("east");
    }

    @Test
    void headersThatOnlyShareThePrefixAreKept() {
        Headers headers = new RecordHeaders().add("ferry.custom", SourceHeaders.encode("x"));
        names.stamp(headers, east, orders, 0, 0, 0);
        assertThat(keys(headers)).startsWith("ferry.custom").hasSize(7);
    }

    private static List<String> keys(Headers headers) {
        return Arrays.stream(headers.toArray()).map(Header::key).toList();
    }
}
