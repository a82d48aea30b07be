package dev.ferry.mapping;

import dev.ferry.filter.RecordFilter;

/**
 * One validated stream: what it reads, which records pass, where they go and how they are partitioned.
 *
 * @param property the property path of this stream in the configuration ({@code ferry.streams[2]}), for messages
 */
public record StreamMapping(String name, String property, SourceSelector source, RecordFilter filter, TopicNamer namer,
                            Partitioning partitioning) {

    public String sourceProperty() {
        return property + (source instanceof SourceSelector.Topic ? ".source" : ".source-pattern");
    }
}
