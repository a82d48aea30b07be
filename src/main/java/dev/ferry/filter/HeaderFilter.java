package dev.ferry.filter;

import org.apache.kafka.common.header.Header;

/**
 * Tests the last header with the given name: either its presence ({@code exists}) or its value ({@code condition}).
 * A missing header, or one with a null value, fails every value condition.
 */
public record HeaderFilter(String name, Boolean exists, TextCondition condition) implements RecordFilter {

    public static HeaderFilter exists(String name, boolean exists) {
        return new HeaderFilter(name, exists, null);
    }

    public static HeaderFilter value(String name, TextCondition condition) {
        return new HeaderFilter(name, null, condition);
    }

    @Override
    public boolean matches(RecordView record) {
        Header header = record.headers().lastHeader(name);
        if (exists != null) {
            return (header != null) == exists;
        }
        return header != null && header.value() != null && condition.test(header.value());
    }

    @Override
    public String describe() {
        return exists != null ? "header " + name + (exists ? " exists" : " absent") : "header " + name + " " + condition.describe();
    }
}
