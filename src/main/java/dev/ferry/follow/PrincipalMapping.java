package dev.ferry.follow;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a principal on the source is named on the destination, for sites whose identities differ (SCRAM users on one
 * side, certificate subjects on the other): the first rule whose regular expression matches the whole principal
 * rewrites it ({@code $1} for its groups); without a match, the principal stays as it is.
 */
public final class PrincipalMapping {

    /** @param match a regular expression over the whole principal, e.g. {@code User:(.*)}; @param replacement e.g. {@code User:CN=$1} */
    public record Rule(Pattern match, String replacement) {
    }

    public static final PrincipalMapping IDENTITY = new PrincipalMapping(List.of());

    private final List<Rule> rules;

    public PrincipalMapping(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public String map(String principal) {
        for (Rule rule : rules) {
            Matcher m = rule.match().matcher(principal);
            if (m.matches()) {
                return m.replaceFirst(rule.replacement());
            }
        }
        return principal;
    }
}
