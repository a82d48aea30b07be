package dev.ferry.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.ferry.config.FilterSpec;
import dev.ferry.config.FilterSpec.HeaderSpec;
import dev.ferry.config.FilterSpec.JsonSpec;
import dev.ferry.config.FilterSpec.KeySpec;
import tools.jackson.core.JsonPointer;

/**
 * Turns the YAML filter tree into {@link RecordFilter}s. Every mistake is reported with the property path of the
 * offending entry (for example {@code ferry.streams[1].filter.all[0].json.path}) and what to write instead.
 */
public final class FilterParser {

    private static final String FILTER_KINDS = "all, any, not, header, key, json or tombstone";

    private FilterParser() {
    }

    /** @param path the property path of {@code spec}, e.g. {@code ferry.streams[0].filter} */
    public static RecordFilter parse(FilterSpec spec, String path) {
        if (spec == null) {
            return RecordFilter.PASS_ALL;
        }
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "all", spec.all());
        putIfSet(set, "any", spec.any());
        putIfSet(set, "not", spec.not());
        putIfSet(set, "header", spec.header());
        putIfSet(set, "key", spec.key());
        putIfSet(set, "json", spec.json());
        putIfSet(set, "tombstone", spec.tombstone());
        if (set.size() != 1) {
            throw new InvalidConfigurationPropertyValueException(path, set.isEmpty() ? "(empty)" : set.keySet(),
                    set.isEmpty() ? "A filter needs exactly one of " + FILTER_KINDS + "."
                            : "A filter entry has exactly one kind, but this one has " + set.keySet()
                                    + ". Combine them with 'all:' (every one must match) or 'any:' (one is enough), one list item per condition.");
        }
        String kind = set.keySet().iterator().next();
        String at = path + "." + kind;
        return switch (kind) {
            case "all" -> new AllOf(children(spec.all(), at));
            case "any" -> new AnyOf(children(spec.any(), at));
            case "not" -> new Not(parse(spec.not(), at));
            case "header" -> header(spec.header(), at);
            case "key" -> key(spec.key(), at);
            case "json" -> json(spec.json(), at);
            case "tombstone" -> new TombstoneFilter(spec.tombstone());
            default -> throw new IllegalStateException(kind);
        };
    }

    private static List<RecordFilter> children(List<FilterSpec> specs, String path) {
        if (specs.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, "[]", "List at least one filter here.");
        }
        List<RecordFilter> filters = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            filters.add(parse(specs.get(i), path + "[" + i + "]"));
        }
        return filters;
    }

    private static RecordFilter header(HeaderSpec spec, String path) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new InvalidConfigurationPropertyValueException(path + ".name", spec.name(), "Name the header to test, e.g. 'name: region'.");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "exists", spec.exists());
        putIfSet(set, "equals", spec.equalTo());
        putIfSet(set, "in", spec.oneOf());
        putIfSet(set, "matches", spec.matches());
        String op = exactlyOne(set, path, "exists, equals, in or matches");
        return switch (op) {
            case "exists" -> HeaderFilter.exists(spec.name(), spec.exists());
            case "equals" -> HeaderFilter.value(spec.name(), TextCondition.equalTo(spec.equalTo()));
            case "in" -> HeaderFilter.value(spec.name(), TextCondition.oneOf(nonEmpty(spec.oneOf(), path + ".in")));
            case "matches" -> HeaderFilter.value(spec.name(), TextCondition.matches(regex(spec.matches(), path + ".matches")));
            default -> throw new IllegalStateException(op);
        };
    }

    private static RecordFilter key(KeySpec spec, String path) {
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "equals", spec.equalTo());
        putIfSet(set, "prefix", spec.prefix());
        putIfSet(set, "matches", spec.matches());
        String op = exactlyOne(set, path, "equals, prefix or matches");
        return new KeyFilter(switch (op) {
            case "equals" -> TextCondition.equalTo(spec.equalTo());
            case "prefix" -> TextCondition.prefix(spec.prefix());
            case "matches" -> TextCondition.matches(regex(spec.matches(), path + ".matches"));
            default -> throw new IllegalStateException(op);
        });
    }

    private static RecordFilter json(JsonSpec spec, String path) {
        JsonPointer pointer = pointer(spec.path(), path + ".path");
        Map<String, Object> set = new LinkedHashMap<>();
        putIfSet(set, "exists", spec.exists());
        putIfSet(set, "equals", spec.equalTo());
        putIfSet(set, "in", spec.oneOf());
        putIfSet(set, "gt", spec.gt());
        putIfSet(set, "gte", spec.gte());
        putIfSet(set, "lt", spec.lt());
        putIfSet(set, "lte", spec.lte());
        String op = exactlyOne(set, path, "exists, equals, in, gt, gte, lt or lte");
        JsonCondition condition = switch (op) {
            case "exists" -> new JsonCondition.Exists(spec.exists());
            case "equals" -> JsonCondition.EqualTo.of(spec.equalTo());
            case "in" -> JsonCondition.OneOf.of(nonEmpty(spec.oneOf(), path + ".in"));
            case "gt" -> compare(JsonCondition.Compare.Operator.GT, spec.gt());
            case "gte" -> compare(JsonCondition.Compare.Operator.GTE, spec.gte());
            case "lt" -> compare(JsonCondition.Compare.Operator.LT, spec.lt());
            case "lte" -> compare(JsonCondition.Compare.Operator.LTE, spec.lte());
            default -> throw new IllegalStateException(op);
        };
        return new JsonFieldFilter(pointer, condition);
    }

    private static JsonCondition compare(JsonCondition.Compare.Operator operator, BigDecimal bound) {
        return new JsonCondition.Compare(operator, bound);
    }

    private static JsonPointer pointer(String text, String path) {
        if (text == null || text.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, text,
                    "Give a JSON pointer to the field, e.g. 'path: /status' or 'path: /customer/country'.");
        }
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(path, text,
                    "Not a JSON pointer (RFC 6901): it must start with '/', e.g. '/status' or '/items/0/sku'.");
        }
    }

    public static Pattern regex(String text, String path) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new InvalidConfigurationPropertyValueException(path, text,
                    "Not a valid Java regular expression: " + e.getDescription() + " near index " + e.getIndex() + ".");
        }
    }

    private static List<String> nonEmpty(List<String> values, String path) {
        if (values.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, "[]", "List at least one value.");
        }
        return values;
    }

    private static String exactlyOne(Map<String, Object> set, String path, String choices) {
        if (set.size() != 1) {
            throw new InvalidConfigurationPropertyValueException(path, set.isEmpty() ? "(no condition)" : set.keySet(),
                    "Give exactly one of " + choices + (set.isEmpty() ? "." : "; found " + set.keySet() + ". Combine conditions with 'all:' or 'any:'."));
        }
        return set.keySet().iterator().next();
    }

    private static void putIfSet(Map<String, Object> set, String name, Object value) {
        if (value != null) {
            set.put(name, value);
        }
    }
}
