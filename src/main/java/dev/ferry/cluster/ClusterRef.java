package dev.ferry.cluster;

/**
 * A cluster as messages name it: its role, alias and bootstrap servers, and the property that configures it.
 *
 * @param role {@code source} or {@code destination}
 */
public record ClusterRef(String role, String alias, String bootstrapServers) {

    public String property() {
        return "ferry." + role;
    }

    public String describeRole() {
        return Character.toUpperCase(role.charAt(0)) + role.substring(1) + " cluster " + this;
    }

    @Override
    public String toString() {
        return "'" + alias + "' (" + bootstrapServers + ")";
    }
}
