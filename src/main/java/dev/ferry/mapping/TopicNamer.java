package dev.ferry.mapping;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the destination topic for a source topic: either one fixed name or a template with the placeholders
 * {@code ${source.alias}}, {@code ${destination.alias}} and {@code ${topic}}.
 */
public final class TopicNamer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final String template;
    private final boolean fixed;
    private final String sourceAlias;
    private final String destinationAlias;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    private TopicNamer(String template, boolean fixed, String sourceAlias, String destinationAlias) {
        this.template = template;
        this.fixed = fixed;
        this.sourceAlias = sourceAlias;
        this.destinationAlias = destinationAlias;
    }

    public static TopicNamer fixed(String topic) {
        if (!LEGAL_TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("'" + topic + "' is not a legal Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
        return new TopicNamer(topic, true, null, null);
    }

    /** @throws IllegalArgumentException naming the unknown placeholder */
    public static TopicNamer template(String template, String sourceAlias, String destinationAlias) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(1);
            if (!name.equals("source.alias") && !name.equals("destination.alias") && !name.equals("topic")) {
                throw new IllegalArgumentException("unknown placeholder ${" + name
                        + "}; use ${source.alias}, ${destination.alias} or ${topic}");
            }
        }
        TopicNamer namer = new TopicNamer(template, false, sourceAlias, destinationAlias);
        String example = namer.expand("topic");
        if (!LEGAL_TOPIC.matcher(example).matches()) {
            throw new IllegalArgumentException("it yields '" + example + "', which is not a legal Kafka topic name");
        }
        return namer;
    }

    public boolean isFixed() {
        return fixed;
    }

    public String template() {
        return template;
    }

    public String destinationFor(String sourceTopic) {
        return fixed ? template : cache.computeIfAbsent(sourceTopic, this::expand);
    }

    /**
     * The destination prefix that covers exactly the copies of the source topics starting with {@code sourcePrefix}:
     * present when the template ends with its only {@code ${topic}} (e.g. {@code ${source.alias}.${topic}}), so the
     * destination name is a fixed text followed by the source name; empty otherwise (a fixed name, or text after the topic).
     */
    public java.util.Optional<String> prefixFor(String sourcePrefix) {
        if (fixed || !template.endsWith("${topic}") || template.indexOf("${topic}") != template.length() - "${topic}".length()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(expand("") + sourcePrefix);
    }

    private String expand(String topic) {
        return template.replace("${source.alias}", sourceAlias)
                .replace("${destination.alias}", destinationAlias)
                .replace("${topic}", topic);
    }

    @Override
    public String toString() {
        return template;
    }
}
