package dev.ferry.headers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ferry.headers.SourceHeaders.Coordinates;
import dev.ferry.headers.SourceHeaders.Format;

import static org.assertj.core.api.Assertions.assertThat;

class SourceHeadersTest {

    private final SourceHeaders compact = new SourceHeaders("ferry.");
    private final SourceHeaders text = new SourceHeaders("ferry.", Format.TEXT);
    private final byte[] east = SourceHeaders.encode("east");
    private final byte[] west = SourceHeaders.encode("west");

    @ParameterizedTest
    @ValueSource(longs = {0, 7, 9, 10, 99, 100, 1_234_567, 1_763_700_000_000L, -1, -10, -987_654_321, Long.MAX_VALUE, Long.MIN_VALUE})
    void encodesNumbersAsDecimalAscii(long number) {
        assertThat(new String(SourceHeaders.encode(number), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(number));
    }

    @Test
    void aFirstCopyInTheCompactFormIsOneHeaderAndKeepsTheRecordsOwnHeaders() {
        Headers headers = new RecordHeaders().add("region", SourceHeaders.encode("eu"));
        compact.stamp("east", "orders").apply(headers, 3, 42, 1_000);

        assertThat(keys(headers)).containsExactly("region", "ferry");
        assertThat(SourceHeaders.text(headers, "ferry")).isEqualTo("east/orders-3@42");
        assertThat(SourceHeaders.text(headers, "region")).isEqualTo("eu");
        assertThat(compact.read(headers)).isEqualTo(new Coordinates("east", "orders", 3, 42, "east"));
        assertThat(compact.originatesOn(headers, east)).isTrue();
        assertThat(compact.originatesOn(headers, west)).isFalse();
        assertThat(compact.originatesOn(headers, SourceHeaders.encode("eas"))).isFalse();   // a prefix of the alias is another cluster
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "9, 9", "10, 10", "2147483647, 9223372036854775807", "11, 1234567890123"})
    void compactValuesRoundTrip(int partition, long offset) {
        Headers headers = new RecordHeaders();
        compact.stamp("us-east-1.prod", "orders-v2.eu_west").apply(headers, partition, offset, 0);
        assertThat(SourceHeaders.text(headers, "ferry")).isEqualTo("us-east-1.prod/orders-v2.eu_west-" + partition + "@" + offset);
        assertThat(compact.read(headers)).isEqualTo(new Coordinates("us-east-1.prod", "orders-v2.eu_west", partition, offset, "us-east-1.prod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "east", "east/", "/orders-1@2", "east/orders@2", "east/orders-@2", "east/orders-1@", "east/orders-x@2",
            "east/orders-1@2x", "east/-1@2", "east/orders-1@99999999999999999999"})
    void aMalformedCompactValueIsNoCopy(String value) {
        Headers headers = new RecordHeaders().add("ferry", SourceHeaders.encode(value));
        assertThat(compact.read(headers)).isNull();
    }

    @Test
    void theTextFormWritesTheSixHeadersOfEarlierVersions() {
        Headers headers = new RecordHeaders().add("region", SourceHeaders.encode("eu"));
        text.stamp("east", "orders").apply(headers, 3, 42, 1_000);

        assertThat(keys(headers)).containsExactly("region", "ferry.source.cluster", "ferry.source.topic", "ferry.source.partition",
                "ferry.source.offset", "ferry.source.timestamp", "ferry.origin.cluster");
        assertThat(SourceHeaders.number(headers, text.timestamp())).isEqualTo(1_000);
        assertThat(text.read(headers)).isEqualTo(new Coordinates("east", "orders", 3, 42, "east"));
        assertThat(compact.read(headers)).isEqualTo(text.read(headers));   // either configuration reads either form
        assertThat(compact.originatesOn(headers, east)).isTrue();
    }

    @Test
    void aSecondHopReplacesTheCoordinatesAndWritesTheOriginOnlyThen() {
        Headers headers = new RecordHeaders();
        compact.stamp("east", "orders").apply(headers, 3, 42, 1_000);
        compact.stamp("west", "east.orders").apply(headers, 1, 7, 2_000);

        assertThat(keys(headers)).containsExactly("ferry", "ferry.origin.cluster");
        assertThat(compact.read(headers)).isEqualTo(new Coordinates("west", "east.orders", 1, 7, "east"));
        assertThat(compact.originatesOn(headers, east)).isTrue();
        assertThat(compact.originatesOn(headers, west)).isFalse();

        compact.stamp("north", "west.east.orders").apply(headers, 0, 5, 3_000);   // a third hop keeps the first origin
        assertThat(compact.read(headers)).isEqualTo(new Coordinates("north", "west.east.orders", 0, 5, "east"));
        assertThat(headers.headers("ferry.origin.cluster")).hasSize(1);
    }

    @Test
    void aCopyOfATextFormCopyIsStampedCompactAndKeepsItsOrigin() {
        Headers headers = new RecordHeaders();
        text.stamp("east", "orders").apply(headers, 3, 42, 1_000);   // written by Ferry before the upgrade
        compact.stamp("west", "east.orders").apply(headers, 1, 7, 2_000);

        assertThat(keys(headers)).containsExactly("ferry.origin.cluster", "ferry");
        assertThat(compact.read(headers)).isEqualTo(new Coordinates("west", "east.orders", 1, 7, "east"));
    }

    @Test
    void aCopyOfACompactCopyInTheTextFormKeepsItsOrigin() {
        Headers headers = new RecordHeaders();
        compact.stamp("east", "orders").apply(headers, 3, 42, 1_000);
        text.stamp("west", "east.orders").apply(headers, 1, 7, 2_000);

        assertThat(headers.lastHeader("ferry")).isNull();
        assertThat(SourceHeaders.text(headers, "ferry.origin.cluster")).isEqualTo("east");
        assertThat(text.read(headers)).isEqualTo(new Coordinates("west", "east.orders", 1, 7, "east"));
    }

    @Test
    void headersThatOnlyShareThePrefixAreKept() {
        Headers headers = new RecordHeaders().add("ferry.custom", SourceHeaders.encode("x")).add("ferryman", SourceHeaders.encode("y"));
        compact.stamp("east", "orders").apply(headers, 0, 0, 0);
        assertThat(keys(headers)).containsExactly("ferry.custom", "ferryman", "ferry");
    }

    @Test
    void aRecordWithoutCoordinatesIsNoCopy() {
        Headers headers = new RecordHeaders().add("region", SourceHeaders.encode("eu"));
        assertThat(compact.read(headers)).isNull();
        assertThat(compact.originatesOn(headers, east)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"ferry., ferry", "acme-ferry-, acme-ferry", "x_, x", "mirror, mirror", "., ."})
    void theCompactHeaderIsNamedAfterThePrefix(String prefix, String name) {
        assertThat(new SourceHeaders(prefix).compact()).isEqualTo(name);
    }

    private static List<String> keys(Headers headers) {
        return Arrays.stream(headers.toArray()).map(Header::key).toList();
    }
}
