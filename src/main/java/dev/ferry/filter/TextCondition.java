package dev.ferry.filter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A test on UTF-8 bytes (a header value or a key). Equality and prefix compare bytes without decoding; only a regex
 * decodes the text.
 */
public sealed interface TextCondition {

    boolean test(byte[] utf8);

    String describe();

    static TextCondition equalTo(String text) {
        return new EqualTo(text, text.getBytes(StandardCharsets.UTF_8));
    }

    static TextCondition oneOf(List<String> texts) {
        return new OneOf(List.copyOf(texts), texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
    }

    static TextCondition prefix(String text) {
        return new Prefix(text, text.getBytes(StandardCharsets.UTF_8));
    }

    static TextCondition matches(Pattern pattern) {
        return new Matches(pattern);
    }

    record EqualTo(String text, byte[] bytes) implements TextCondition {
        @Override
        public boolean test(byte[] utf8) {
            return Arrays.equals(bytes, utf8);
        }

        @Override
        public String describe() {
            return "= '" + text + "'";
        }
    }

    record OneOf(List<String> texts, byte[][] bytes) implements TextCondition {
        @Override
        public boolean test(byte[] utf8) {
            for (byte[] candidate : bytes) {
                if (Arrays.equals(candidate, utf8)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "in " + texts;
        }
    }

    record Prefix(String text, byte[] bytes) implements TextCondition {
        @Override
        public boolean test(byte[] utf8) {
            return utf8.length >= bytes.length && Arrays.equals(utf8, 0, bytes.length, bytes, 0, bytes.length);
        }

        @Override
        public String describe() {
            return "starts with '" + text + "'";
        }
    }

    record Matches(Pattern pattern) implements TextCondition {
        @Override
        public boolean test(byte[] utf8) {
            return pattern.matcher(new String(utf8, StandardCharsets.UTF_8)).matches();
        }

        @Override
        public String describe() {
            return "matches /" + pattern.pattern() + "/";
        }
    }
}
