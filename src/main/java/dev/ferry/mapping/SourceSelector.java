package dev.ferry.mapping;

import java.util.regex.Pattern;

/** Which source topics a stream reads: one named topic or every topic whose whole name matches a pattern. */
public sealed interface SourceSelector {

    boolean selects(String topic);

    /** The key under which streams with the same selector share one Kafka Streams source node. */
    String describe();

    record Topic(String name) implements SourceSelector {
        @Override
        public boolean selects(String topic) {
            return name.equals(topic);
        }

        @Override
        public String describe() {
            return name;
        }
    }

    record TopicPattern(Pattern pattern) implements SourceSelector {
        @Override
        public boolean selects(String topic) {
            return pattern.matcher(topic).matches();
        }

        @Override
        public String describe() {
            return "/" + pattern.pattern() + "/";
        }
    }
}
