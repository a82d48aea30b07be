package dev.ferry.offsets;

import java.util.List;
import java.util.regex.Pattern;

/** Which source consumer groups are synced: included by a pattern, not excluded, and never Ferry's own group. */
public record GroupFilter(List<Pattern> include, List<Pattern> exclude, String ownGroup) {

    public GroupFilter {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    public boolean includes(String group) {
        return !group.equals(ownGroup)
                && include.stream().anyMatch(p -> p.matcher(group).matches())
                && exclude.stream().noneMatch(p -> p.matcher(group).matches());
    }
}
