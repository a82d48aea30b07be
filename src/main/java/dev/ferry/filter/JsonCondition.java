package dev.ferry.filter;

import java.math.BigDecimal;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** A test on the JSON node a pointer selects (a {@code MissingNode} when the field is absent). */
public sealed interface JsonCondition {

    boolean test(JsonNode node);

    String describe();

    record Exists(boolean exists) implements JsonCondition {
        @Override
        public boolean test(JsonNode node) {
            return !node.isMissingNode() == exists;
        }

        @Override
        public String describe() {
            return exists ? "exists" : "absent";
        }
    }

    /**
     * Equality with a scalar written as text: a JSON string compares as text, a number numerically
     * ({@code 10} equals {@code 10.0}), a boolean as {@code true}/{@code false}.
     */
    record EqualTo(String text, BigDecimal number) implements JsonCondition {
        public static EqualTo of(String text) {
            return new EqualTo(text, parseNumber(text));
        }

        @Override
        public boolean test(JsonNode node) {
            if (node.isString()) {
                return text.equals(node.stringValue());
            }
            if (node.isNumber()) {
                return number != null && number.compareTo(node.decimalValue()) == 0;
            }
            if (node.isBoolean()) {
                return text.equals(node.booleanValue() ? "true" : "false");
            }
            return false;
        }

        @Override
        public String describe() {
            return "= '" + text + "'";
        }

        private static BigDecimal parseNumber(String text) {
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    record OneOf(List<EqualTo> values) implements JsonCondition {
        public static OneOf of(List<String> texts) {
            return new OneOf(texts.stream().map(EqualTo::of).toList());
        }

        @Override
        public boolean test(JsonNode node) {
            for (EqualTo value : values) {
                if (value.test(node)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "in " + values.stream().map(EqualTo::text).toList();
        }
    }

    /** A numeric comparison; only JSON numbers take part (a string "12" is not a number). */
    record Compare(Operator operator, BigDecimal bound) implements JsonCondition {
        public enum Operator {
            GT(">"), GTE(">="), LT("<"), LTE("<=");

            final String symbol;

            Operator(String symbol) {
                this.symbol = symbol;
            }
        }

        @Override
        public boolean test(JsonNode node) {
            if (!node.isNumber()) {
                return false;
            }
            int c = node.decimalValue().compareTo(bound);
            return switch (operator) {
                case GT -> c > 0;
                case GTE -> c >= 0;
                case LT -> c < 0;
                case LTE -> c <= 0;
            };
        }

        @Override
        public String describe() {
            return operator.symbol + " " + bound.toPlainString();
        }
    }
}
