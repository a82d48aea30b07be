package dev.ferry.config;

import java.math.BigDecimal;
import java.util.List;

import org.springframework.boot.context.properties.bind.Name;

/**
 * A filter as written in YAML: exactly one of its keys is set. {@code all}/{@code any}/{@code not} combine nested
 * filters; {@code header}, {@code key}, {@code json} and {@code tombstone} test one record.
 * {@code FilterParser} turns it into a {@code RecordFilter} and reports anything ambiguous with its property path.
 */
public record FilterSpec(
        List<FilterSpec> all,
        List<FilterSpec> any,
        FilterSpec not,
        HeaderSpec header,
        KeySpec key,
        JsonSpec json,
        Boolean tombstone) {

    /** {@code header: { name: region, equals: eu }}: exactly one of exists / equals / in / matches. */
    public record HeaderSpec(String name, Boolean exists, @Name("equals") String equalTo, @Name("in") List<String> oneOf,
                             String matches) {
    }

    /** {@code key: { prefix: "eu-" }}: exactly one of equals / prefix / matches. */
    public record KeySpec(@Name("equals") String equalTo, String prefix, String matches) {
    }

    /** {@code json: { path: /status, in: [PAID] }}: a JSON pointer and exactly one of the conditions. */
    public record JsonSpec(String path, Boolean exists, @Name("equals") String equalTo, @Name("in") List<String> oneOf,
                           BigDecimal gt, BigDecimal gte, BigDecimal lt, BigDecimal lte) {
    }
}
