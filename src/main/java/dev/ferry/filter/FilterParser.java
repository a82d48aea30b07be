package dev.ferry.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import tools.jackson.core.JsonPointer;

/**
 * Turns a filter as written in YAML into a {@link RecordFilter}. The filter arrives as the generic tree Spring Boot
 * binds for {@code Map<String, Object>} (maps, with lists as maps keyed 0, 1, 2 ...), because a filter nests inside
 * filters, which typed binding does not support. Every mistake is reported with the property path of the offending
 * entry (for example {@code ferry.streams[1].filter.all[0].json.path}) and what to write instead.
 *
 * <pre>
 * filter:       one of  all: [filter, ...] | any: [filter, ...] | not: filter | header: {...} | key: {...} | json: {...} | tombstone: true|false
 * header:       name: NAME, and one of  exists: true|false | equals: TEXT | in: [TEXT, ...] | matches: REGEX
 * key:          one of  equals: TEXT | prefix: TEXT | matches: REGEX
 * json:         path: JSON-POINTER, and one of  exists: true|false | equals: V | in: [V, ...] | gt | gte | lt | lte: NUMBER
 * </pre>
 */
public final class FilterParser {

    private static final Set<String> KINDS = Set.of("all", "any", "not", "header", "key", "json", "tombstone");
    private static final String KIND_LIST = "all, any, not, header, key, json or tombstone";

    private FilterParser() {
    }

    /**
     * @param tree the bound filter, null when the stream has none
     * @param path the property path of {@code tree}, e.g. {@code ferry.streams[0].filter}
     */
    public static RecordFilter parse(Object tree, String path) {
        return tree == null ? RecordFilter.PASS_ALL : filter(tree, path);
    }

    private static RecordFilter filter(Object tree, String path) {
        Map<String, Object> map = map(tree, path, "a filter such as 'header: { name: region, equals: eu }'");
        if (map.size() != 1) {
            throw new InvalidConfigurationPropertyValueException(path, map.keySet(), map.isEmpty()
                    ? "A filter needs exactly one of " + KIND_LIST + "."
                    : "A filter entry has exactly one kind, but this one has " + map.keySet()
                            + ". Combine them with 'all:' (every one must match) or 'any:' (one is enough), one list item per condition.");
        }
        Map.Entry<String, Object> entry = map.entrySet().iterator().next();
        String kind = entry.getKey();
        String at = path + "." + kind;
        if (!KINDS.contains(kind)) {
            throw new InvalidConfigurationPropertyValueException(at, entry.getValue(),
                    "Unknown filter type '" + kind + "'. Use one of " + KIND_LIST + ".");
        }
        Object value = entry.getValue();
        return switch (kind) {
            case "all" -> new AllOf(children(value, at));
            case "any" -> new AnyOf(children(value, at));
            case "not" -> new Not(filter(value, at));
            case "header" -> header(map(value, at, "'header: { name: NAME, equals: VALUE }'"), at);
            case "key" -> key(map(value, at, "'key: { prefix: VALUE }'"), at);
            case "json" -> json(map(value, at, "'json: { path: /field, equals: VALUE }'"), at);
            default -> new TombstoneFilter(bool(value, at));
        };
    }

    private static List<RecordFilter> children(Object value, String path) {
        List<Object> items = list(value, path);
        if (items.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, "[]", "List at least one filter here.");
        }
        List<RecordFilter> filters = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            filters.add(filter(items.get(i), path + "[" + i + "]"));
        }
        return filters;
    }

    private static RecordFilter header(Map<String, Object> spec, String path) {
        Object name = spec.get("name");
        if (name == null || String.valueOf(name).isBlank() || name instanceof Map || name instanceof Collection) {
            throw new InvalidConfigurationPropertyValueException(path + ".name", name, "Name the header to test, e.g. 'name: region'.");
        }
        String s = String.valueOf(name);
        String op = condition(spec, path, Set.of("name"), List.of("exists", "equals", "in", "matches"));
        Object value = spec.get(op);
        String at = path + "." + op;
        return switch (op) {
            case "exists" -> HeaderFilter.exists(s, bool(value, at));
            case "equals" -> HeaderFilter.value(s, TextCondition.equalTo(text(value, at)));
            case "in" -> HeaderFilter.value(s, TextCondition.oneOf(texts(value, at)));
            default -> HeaderFilter.value(s, TextCondition.matches(regex(text(value, at), at)));
        };
    }

    private static RecordFilter key(Map<String, Object> spec, String path) {
        String op = condition(spec, path, Set.of(), List.of("equals", "prefix", "matches"));
        String at = path + "." + op;
        String value = text(spec.get(op), at);
        return new KeyFilter(switch (op) {
            case "equals" -> TextCondition.equalTo(value);
            case "prefix" -> TextCondition.prefix(value);
            default -> TextCondition.matches(regex(value, at));
        });
    }

    private static RecordFilter json(Map<String, Object> spec, String path) {
        JsonPointer pointer = pointer(spec.get("path"), path + ".path");
        String op = condition(spec, path, Set.of("path"), List.of("exists", "equals", "in", "gt", "gte", "lt", "lte"));
        Object value = spec.get(op);
        String at = path + "." + op;
        JsonCondition condition = switch (op) {
            case "exists" -> new JsonCondition.Exists(bool(value, at));
            case "equals" -> JsonCondition.EqualTo.of(text(value, at));
            case "in" -> JsonCondition.OneOf.of(texts(value, at));
            case "gt" -> new JsonCondition.Compare(JsonCondition.Compare.Operator.GT, number(value, at));
            case "gte" -> new JsonCondition.Compare(JsonCondition.Compare.Operator.GTE, number(value, at));
            case "lt" -> new JsonCondition.Compare(JsonCondition.Compare.Operator.LT, number(value, at));
            default -> new JsonCondition.Compare(JsonCondition.Compare.Operator.LTE, number(value, at));
        };
        return new JsonFieldFilter(pointer, condition);
    }

    /** The one condition key of a leaf filter, besides its {@code fixed} keys (name, path). */
    private static String condition(Map<String, Object> spec, String path, Set<String> fixed, List<String> conditions) {
        List<String> found = new ArrayList<>();
        for (String key : spec.keySet()) {
            if (conditions.contains(key)) {
                found.add(key);
            } else if (!fixed.contains(key)) {
                throw new InvalidConfigurationPropertyValueException(path + "." + key, spec.get(key),
                        "'" + key + "' is not a setting here. Known settings: " + String.join(", ", fixed) + (fixed.isEmpty() ? "" : ", ")
                                + String.join(", ", conditions) + ".");
            }
        }
        if (found.size() != 1) {
            throw new InvalidConfigurationPropertyValueException(path, found.isEmpty() ? "(no condition)" : found,
                    "Give exactly one of " + String.join(", ", conditions)
                            + (found.isEmpty() ? "." : "; found " + found + ". Combine conditions with 'all:' or 'any:'."));
        }
        return found.get(0);
    }

    private static JsonPointer pointer(Object value, String path) {
        String text = value instanceof String t ? t : null;
        if (text == null || text.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, value,
                    "Give a JSON pointer to the field, e.g. 'path: /status' or 'path: /customer/country'.");
        }
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(path, text,
                    "Not a JSON pointer (RFC 6901): it must start with '/', e.g. '/status' or '/items/0/sku'.");
        }
    }

    /** Compiles a regular expression, reporting a syntax error against {@code path}. */
    public static Pattern regex(String text, String path) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new InvalidConfigurationPropertyValueException(path, text,
                    "Not a valid Java regular expression: " + e.getDescription() + " near index " + e.getIndex() + ".");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String path, String example) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new InvalidConfigurationPropertyValueException(path, value, "Expected " + example + " here.");
    }

    /** A YAML list, which arrives as a map keyed 0, 1, 2, ... (or as a list, or one comma-separated value). */
    private static List<Object> list(Object value, String path) {
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value instanceof Map<?, ?> map) {
            TreeMap<Integer, Object> ordered = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                try {
                    ordered.put(Integer.parseInt(String.valueOf(e.getKey())), e.getValue());
                } catch (NumberFormatException notIndex) {
                    throw new InvalidConfigurationPropertyValueException(path, value, "Expected a list ('- item' per line, or [a, b]) here.");
                }
            }
            return new ArrayList<>(ordered.values());
        }
        if (value instanceof String s && !s.isBlank()) {
            return new ArrayList<>(List.of(s.split("\\s*,\\s*")));
        }
        throw new InvalidConfigurationPropertyValueException(path, value, "Expected a list ('- item' per line, or [a, b]) here.");
    }

    private static String text(Object value, String path) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);   // YAML scalars may arrive typed: 100, true
        }
        throw new InvalidConfigurationPropertyValueException(path, value, "Expected a single value here.");
    }

    private static List<String> texts(Object value, String path) {
        List<Object> items = list(value, path);
        if (items.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(path, "[]", "List at least one value.");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            texts.add(text(items.get(i), path + "[" + i + "]"));
        }
        return texts;
    }

    private static boolean bool(Object value, String path) {
        String text = String.valueOf(value);
        if (value != null && (text.equals("true") || text.equals("false"))) {
            return Boolean.parseBoolean(text);
        }
        throw new InvalidConfigurationPropertyValueException(path, value, "Expected true or false.");
    }

    private static BigDecimal number(Object value, String path) {
        try {
            return new BigDecimal(text(value, path));
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationPropertyValueException(path, value, "Expected a number, e.g. 100 or 12.5.");
        }
    }
}
