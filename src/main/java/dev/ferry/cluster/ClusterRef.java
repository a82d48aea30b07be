package dev.ferry.cluster;

/**
 * A cluster as messages name it: its role, alias and bootstrap servers, the property that configures it, and who Ferry
 * is there.
 *
 * @param role     {@code source} or {@code destination}
 * @param identity Ferry's principal (and client certificate) on this cluster
 */
public record ClusterRef(String role, String alias, String bootstrapServers, ClientIdentity identity) {

    public ClusterRef(String role, String alias, String bootstrapServers) {
        this(role, alias, bootstrapServers, ClientIdentity.UNKNOWN);
    }

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
