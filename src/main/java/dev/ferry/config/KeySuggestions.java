package dev.ferry.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Did you mean ...?" for a key nobody knows: the valid key closest to a typo (edit distance), and the valid keys of a
 * place in {@code ferry.*}, read from the property records themselves so that they never drift from what binds.
 */
final class KeySuggestions {

    private KeySuggestions() {
    }

    /** The closest of {@code valid} to {@code key}, if it is close enough to be a typo rather than another word. */
    static Optional<String> closest(String key, Collection<String> valid) {
        return valid.stream().min(Comparator.comparingInt((String v) -> distance(key, v)).thenComparing(Comparator.naturalOrder()))
                .filter(v -> distance(key, v) <= Math.max(2, key.length() / 3));
    }

    /**
     * The keys valid directly under {@code path} (e.g. {@code ferry.streams[0]} or {@code ferry.offset-sync}), or an empty
     * list when the path does not lead to a property record.
     */
    static List<String> keysUnder(String path) {
        Type type = FerryProperties.class;
        String rest = path.equals("ferry") ? "" : path.startsWith("ferry.") ? path.substring("ferry.".length()) : null;
        if (rest == null) {
            return List.of();
        }
        for (String element : rest.isEmpty() ? new String[0] : rest.split("\\.")) {
            String name = element.replaceAll("\\[.*]$", "");
            RecordComponent component = component(type, name);
            if (component == null) {
                return List.of();
            }
            type = component.getGenericType();
            if (element.endsWith("]") && type instanceof ParameterizedType p) {
                type = p.getActualTypeArguments()[0];   // the element type of a list
            }
        }
        if (!(type instanceof Class<?> c) || !c.isRecord()) {
            return List.of();
        }
        return java.util.Arrays.stream(c.getRecordComponents()).map(r -> kebab(r.getName())).toList();
    }

    private static RecordComponent component(Type type, String kebabName) {
        Class<?> c = type instanceof Class<?> k ? k : type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : null;
        if (c == null || !c.isRecord() || Map.class.isAssignableFrom(c)) {
            return null;
        }
        for (RecordComponent r : c.getRecordComponents()) {
            if (kebab(r.getName()).equals(kebabName)) {
                return r;
            }
        }
        return null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
