package dev.ferry.filter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordFilterTest {

    private static RecordFilter filter(Map<String, Object> tree) {
        return FilterParser.parse(tree, "ferry.streams[0].filter");
    }

    private static RecordView record(String key, String value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1] == null ? null : bytes(headers[i + 1]));
        }
        return RecordView.of(key == null ? null : bytes(key), value == null ? null : bytes(value), h);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "header {0}: {1} on region={2} -> {3}")
    @CsvSource(nullValues = "NULL", value = {
            "equals,  eu,          eu,    true",
            "equals,  eu,          us,    false",
            "equals,  eu,          NULL,  false",   // header with a null value
            "equals,  eu,          ABSENT, false",
            "in,      'eu,us',     us,    true",
            "in,      'eu,us',     apac,  false",
            "matches, 'e.|u.',     us,    true",
            "matches, 'e.',        eux,   false",   // the whole value must match
            "exists,  true,        apac,  true",
            "exists,  true,        ABSENT, false",
            "exists,  false,       ABSENT, true",
            "exists,  false,       eu,    false",
    })
    void headerConditions(String op, String operand, String region, boolean expected) {
        Object value = op.equals("in") ? List.of(operand.split(",")) : operand;
        RecordFilter f = filter(Map.of("header", Map.of("name", "region", op, value)));
        RecordView r = "ABSENT".equals(region) ? record("k", "{}", "other", "x") : record("k", "{}", "region", region);
        assertThat(f.accepts(r)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "key {0}: {1} on {2} -> {3}")
    @CsvSource(nullValues = "NULL", value = {
            "equals,  order-1,   order-1,  true",
            "equals,  order-1,   order-10, false",
            "prefix,  eu-,       eu-42,    true",
            "prefix,  eu-,       eu,       false",
            "prefix,  eu-,       us-42,    false",
            "matches, '[a-z]+-\\d+', ab-12, true",
            "matches, '[a-z]+-\\d+', ab-x,  false",
            "equals,  order-1,   NULL,     false",   // null key matches nothing
            "prefix,  é,         élan,     true",    // multi-byte UTF-8 compared as bytes
    })
    void keyConditions(String op, String operand, String key, boolean expected) {
        RecordFilter f = filter(Map.of("key", Map.of(op, operand)));
        assertThat(f.accepts(record(key, "{}"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "json {0} {1} {2} on {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            "/status        | equals | PAID   | {\"status\":\"PAID\"}               | true",
            "/status        | equals | PAID   | {\"status\":\"paid\"}               | false",
            "/status        | equals | PAID   | {\"other\":1}                       | false",
            "/n             | equals | 10     | {\"n\":10.0}                        | true",
            "/n             | equals | 10     | {\"n\":\"10\"}                      | true",
            "/ok            | equals | true   | {\"ok\":true}                       | true",
            "/ok            | equals | true   | {\"ok\":false}                      | false",
            "/a/b           | equals | x      | {\"a\":{\"b\":\"x\"}}               | true",
            "/items/1/sku   | equals | B      | {\"items\":[{\"sku\":\"A\"},{\"sku\":\"B\"}]} | true",
            "/amount        | gte    | 100    | {\"amount\":100}                    | true",
            "/amount        | gte    | 100    | {\"amount\":99.99}                  | false",
            "/amount        | gt     | 100    | {\"amount\":100}                    | false",
            "/amount        | lt     | 0.5    | {\"amount\":0.25}                   | true",
            "/amount        | lte    | -1     | {\"amount\":-1}                     | true",
            "/amount        | gt     | 1      | {\"amount\":\"5\"}                  | false",
            "/amount        | gt     | 1      | {}                                  | false",
            "/customer      | exists | true   | {\"customer\":null}                 | true",
            "/customer      | exists | true   | {\"other\":1}                       | false",
            "/customer      | exists | false  | {\"other\":1}                       | true",
    })
    void jsonConditions(String path, String op, String operand, String value, boolean expected) {
        RecordFilter f = filter(Map.of("json", Map.of("path", path, op, operand)));
        assertThat(f.accepts(record("k", value))).isEqualTo(expected);
    }

    @Test
    void jsonInMatchesAnyListedScalar() {
        RecordFilter f = filter(Map.of("json", Map.of("path", "/status", "in", Map.of("0", "PAID", "1", "SHIPPED"))));
        assertThat(f.accepts(record("k", "{\"status\":\"SHIPPED\"}"))).isTrue();
        assertThat(f.accepts(record("k", "{\"status\":\"PENDING\"}"))).isFalse();
    }

    @ParameterizedTest(name = "malformed value {0}")
    @CsvSource(delimiter = '|', value = {"not json", "{\"status\":", "{} trailing", "''"})
    void malformedValueUnderAJsonConditionThrowsMalformed(String value) {
        RecordFilter f = filter(Map.of("json", Map.of("path", "/status", "equals", "PAID")));
        assertThatThrownBy(() -> f.accepts(record("k", value))).isInstanceOf(MalformedValueException.class)
                .hasMessageContaining("value is");
    }

    @Test
    void valueIsNotParsedWhenAnEarlierConditionDecides() {
        RecordFilter f = filter(Map.of("any", List.of(
                Map.of("header", Map.of("name", "region", "equals", "eu")),
                Map.of("json", Map.of("path", "/status", "equals", "PAID")))));
        assertThat(f.accepts(record("k", "not json", "region", "eu"))).isTrue();
        assertThat(f.readsValue()).isTrue();
        assertThat(filter(Map.of("key", Map.of("prefix", "a"))).readsValue()).isFalse();
    }

    @Test
    void valueIsReadOncePerRecordEvenWithManyJsonConditions() {
        RecordFilter f = filter(Map.of("all", List.of(
                Map.of("json", Map.of("path", "/a", "exists", "true")),
                Map.of("json", Map.of("path", "/b", "exists", "true")))));
        RecordView view = record("k", "{\"a\":1,\"b\":2}");
        assertThat(f.accepts(view)).isTrue();   // first record: the view learns /a, then /b (read again for both)
        long learned = view.scans();
        assertThat(f.accepts(view)).isTrue();
        assertThat(view.scans()).as("same record, nothing read again").isEqualTo(learned);
        view.reset(null, bytes("{\"b\":2,\"a\":1}"), new RecordHeaders());
        assertThat(f.accepts(view)).isTrue();
        assertThat(view.scans()).as("next record: one read for both fields").isEqualTo(learned + 1);
        view.reset(null, bytes("{\"a\":1}"), new RecordHeaders());
        assertThat(f.accepts(view)).isFalse();   // reset forgets the previous record's fields
        assertThat(view.scans()).isEqualTo(learned + 2);
    }

    @ParameterizedTest(name = "{0} at {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"a":{"b":{"c":"x"}},"z":1}                 | /a/b/c | x
            {"skip":{"deep":[1,2,{"c":"no"}]},"c":"yes"} | /c     | yes
            {"items":[{"id":"p"},{"id":"q"}]}          | /items/1/id | q
            [10,20,30]                                 | /2     | 30
            {"a":"first","a":"second"}                 | /a     | first
            {"0":"property zero"}                      | /0     | property zero
            """)
    void pointersSelectNestedFieldsArrayElementsAndTheFirstOfDuplicates(String json, String path, String expected) {
        assertThat(filter(Map.of("json", Map.of("path", path, "equals", expected))).accepts(record("k", json))).isTrue();
    }

    @Test
    void numbersCompareExactlyAtAnySize() {
        RecordFilter big = filter(Map.of("json", Map.of("path", "/n", "gt", "9223372036854775807")));
        assertThat(big.accepts(record("k", "{\"n\":9223372036854775808}"))).isTrue();
        assertThat(big.accepts(record("k", "{\"n\":9223372036854775807}"))).isFalse();
        RecordFilter tenth = filter(Map.of("json", Map.of("path", "/n", "equals", "0.1")));
        assertThat(tenth.accepts(record("k", "{\"n\":0.10}"))).isTrue();
        assertThat(tenth.accepts(record("k", "{\"n\":0.1000000001}"))).isFalse();
    }

    @Test
    void readingStopsAtTheLastWantedFieldButAMissingFieldMeansTheWholeValueIsChecked() {
        RecordFilter paid = filter(Map.of("json", Map.of("path", "/status", "equals", "PAID")));
        // decision: bytes after the wanted field are not validated (Ferry copies them unchanged)
        assertThat(paid.accepts(record("k", "{\"status\":\"PAID\", this is not json"))).isTrue();
        // broken before the field: the filter cannot decide
        assertThatThrownBy(() -> paid.accepts(record("k", "{\"x\": nope, \"status\":\"PAID\"}")))
                .isInstanceOf(MalformedValueException.class).hasMessageContaining("not valid JSON");
        // absent field: everything was read, so broken or trailing content is found
        assertThatThrownBy(() -> paid.accepts(record("k", "{\"other\":1} {\"status\":\"PAID\"}")))
                .isInstanceOf(MalformedValueException.class).hasMessageContaining("more content after the end");
        assertThatThrownBy(() -> paid.accepts(record("k", "{\"other\":[1,2}")))
                .isInstanceOf(MalformedValueException.class);
        assertThatThrownBy(() -> paid.accepts(record("k", "")))
                .isInstanceOf(MalformedValueException.class).hasMessageContaining("empty");
        assertThat(paid.accepts(record("k", "{\"other\":{\"status\":\"PAID\"}}"))).as("nested field of the same name").isFalse();
    }

    @Test
    void existsSeesObjectsArraysAndNullsButNotFieldsOfOtherObjects() {
        RecordFilter hasCustomer = filter(Map.of("json", Map.of("path", "/customer", "exists", "true")));
        assertThat(hasCustomer.accepts(record("k", "{\"customer\":{\"id\":1}}"))).isTrue();
        assertThat(hasCustomer.accepts(record("k", "{\"customer\":[]}"))).isTrue();
        assertThat(hasCustomer.accepts(record("k", "{\"customer\":null}"))).isTrue();
        assertThat(hasCustomer.accepts(record("k", "{\"client\":{\"customer\":1}}"))).isFalse();
        assertThat(hasCustomer.accepts(record("k", "\"customer\""))).as("a scalar document has no fields").isFalse();
        RecordFilter deeper = filter(Map.of("json", Map.of("path", "/customer/id", "equals", "1")));
        assertThat(deeper.accepts(record("k", "{\"customer\":\"flat\"}"))).isFalse();
    }

    @Test
    void combinatorsFollowBooleanLogic() {
        RecordFilter euOrPaid = filter(Map.of("any", List.of(
                Map.of("header", Map.of("name", "region", "equals", "eu")),
                Map.of("json", Map.of("path", "/status", "equals", "PAID")))));
        RecordFilter notEu = filter(Map.of("not", Map.of("header", Map.of("name", "region", "equals", "eu"))));
        assertThat(euOrPaid.accepts(record("k", "{\"status\":\"PAID\"}", "region", "us"))).isTrue();
        assertThat(euOrPaid.accepts(record("k", "{\"status\":\"NEW\"}", "region", "us"))).isFalse();
        assertThat(notEu.accepts(record("k", "{}", "region", "us"))).isTrue();
        assertThat(notEu.accepts(record("k", "{}", "region", "eu"))).isFalse();
        assertThat(euOrPaid.describe()).isEqualTo("(header region = 'eu' OR json /status = 'PAID')");
    }

    @Test
    void tombstonesPassJsonConditionsButNotHeaderOrKeyConditionsThatRuleThemOut() {
        RecordFilter paid = filter(Map.of("json", Map.of("path", "/status", "equals", "PAID")));
        RecordFilter notPaid = filter(Map.of("not", Map.of("json", Map.of("path", "/status", "equals", "PAID"))));
        RecordFilter euAndPaid = filter(Map.of("all", List.of(
                Map.of("key", Map.of("prefix", "eu-")),
                Map.of("json", Map.of("path", "/status", "equals", "PAID")))));
        RecordFilter noTombstones = filter(Map.of("all", List.of(
                Map.of("tombstone", "false"),
                Map.of("json", Map.of("path", "/status", "equals", "PAID")))));
        assertThat(paid.accepts(record("eu-1", null))).isTrue();
        assertThat(notPaid.accepts(record("eu-1", null))).isTrue();
        assertThat(euAndPaid.accepts(record("eu-1", null))).isTrue();
        assertThat(euAndPaid.accepts(record("us-1", null))).isFalse();
        assertThat(noTombstones.accepts(record("eu-1", null))).isFalse();
        assertThat(noTombstones.accepts(record("eu-1", "{\"status\":\"PAID\"}"))).isTrue();
        assertThat(RecordFilter.PASS_ALL.accepts(record("k", null))).isTrue();
    }

    @Test
    void anyWithAnUnknownJsonBranchKeepsATombstone() {
        RecordFilter f = filter(Map.of("any", List.of(
                Map.of("key", Map.of("prefix", "eu-")),
                Map.of("json", Map.of("path", "/status", "equals", "PAID")))));
        assertThat(f.accepts(record("us-1", null))).isTrue();   // the JSON branch might have matched
        RecordFilter keyOnly = filter(Map.of("any", List.of(Map.of("key", Map.of("prefix", "eu-")))));
        assertThat(keyOnly.accepts(record("us-1", null))).isFalse();
    }

    @Test
    void reportsAnUnknownFilterTypeWithItsPath() {
        assertThatThrownBy(() -> filter(Map.of("all", List.of(Map.of("heder", Map.of("name", "x"))))))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("ferry.streams[0].filter.all[0].heder")
                .hasMessageContaining("Unknown filter type 'heder'. Use one of all, any, not, header, key, json or tombstone.");
    }
}
