package dev.ferry.mapping;

import dev.ferry.filter.RecordFilter;

/**
 * One validated stream: what it reads, which records pass, where they go and how they are partitioned.
 *
 * @param property        the property path of this stream in the configuration ({@code ferry.streams[2]}), for messages
 * @param onError         what happens to a record that cannot be copied
 * @param deadLetterTopic where {@link ErrorPolicy#DEAD_LETTER} writes such records (on the destination cluster)
 */
public record StreamMapping(String name, String property, SourceSelector source, RecordFilter filter, TopicNamer namer,
                            Partitioning partitioning, ErrorPolicy onError, String deadLetterTopic) {

    public String sourceProperty() {
        return property + (source instanceof SourceSelector.Topic ? ".source" : ".source-pattern");
    }
}
