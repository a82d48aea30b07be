package dev.ferry.cluster;

import java.security.cert.CertificateExpiredException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * What Ferry tells an operator when a cluster refuses it: which cluster, which principal, what was refused and what to
 * change, in one sentence, instead of the client's "SSL handshake failed". Two kinds: a failed authentication
 * ({@link #authentication}) and a missing ACL ({@link #missingAcl}).
 */
public final class Refusals {

    private Refusals() {
    }

    /**
     * Explains a failed authentication (TLS or SASL), or returns null when {@code failure} is not one.
     *
     * @param now to tell an expired client certificate
     */
    public static String authentication(ClusterRef cluster, Throwable failure, Instant now) {
        Throwable sasl = find(failure, SaslAuthenticationException.class);
        String settings = cluster.property() + ".properties";
        if (sasl != null) {
            return cluster.describeRole() + " rejected the SASL credentials of " + cluster.identity().describePrincipal() + " (" + sasl.getMessage()
                    + "). Check sasl.mechanism and the user name and password in sasl.jaas.config in " + settings + ".";
        }
        if (find(failure, SslAuthenticationException.class) == null && find(failure, javax.net.ssl.SSLException.class) == null) {
            return null;
        }
        String detail = deepest(failure).getMessage();
        String lower = String.valueOf(detail).toLowerCase(Locale.ROOT);
        String refused = cluster.describeRole() + " refused the TLS connection: ";
        if (find(failure, CertificateExpiredException.class) != null) {
            return refused + "the broker's certificate has expired (" + detail + "). Renew the brokers' certificates.";
        }
        if (lower.contains("no name matching") || lower.contains("no subject alternative")) {
            return refused + "the broker's certificate is not valid for the address Ferry connected to (" + detail + "). Use a bootstrap "
                    + "address that the certificate names (its subject alternative names) in " + cluster.property() + ".bootstrap-servers, "
                    + "or give the brokers certificates that name their addresses.";
        }
        if (lower.contains("pkix") || lower.contains("certification path")) {
            return refused + "Ferry does not trust the broker's certificate (" + detail + "). Check ssl.truststore.location, "
                    + "ssl.truststore.type and ssl.truststore.password in " + settings + ": the trust store must hold the authority that "
                    + "signed the brokers' certificates.";
        }
        if (lower.contains("received fatal alert")) {
            ClientIdentity identity = cluster.identity();
            if (identity.certificate() == null) {
                return refused + "the broker rejected the handshake (" + detail + "); it probably requires a client certificate. Set "
                        + "ssl.keystore.location, ssl.keystore.type and ssl.keystore.password in " + settings + ".";
            }
            if (identity.expiredAt(now)) {
                return refused + "Ferry's client certificate (" + identity.certificate() + ") expired on " + identity.expires().truncatedTo(ChronoUnit.SECONDS)
                        + " (the broker answered: " + detail + "). Renew it in the key store named by ssl.keystore.location in " + settings + ".";
            }
            return refused + "the broker rejected Ferry's client certificate (" + identity.certificate() + ", valid until "
                    + identity.expires().truncatedTo(ChronoUnit.SECONDS) + "; the broker answered: " + detail + "). The brokers must trust the "
                    + "authority that signed it (their ssl.truststore); check ssl.keystore.location in " + settings + ".";
        }
        return refused + detail + ". Check the ssl.* settings in " + settings + ".";
    }

    /**
     * One line for one resource: who may not do what, why Ferry needs it, and the {@code kafka-acls} command that allows it.
     *
     * @param resourceType {@code topic}, {@code group} or {@code cluster} (as kafka-acls spells the option)
     * @param purpose      what Ferry does with it, e.g. "stream 'orders' copies it"
     */
    public static String missingAcl(ClusterRef cluster, String resourceType, String name, Collection<AclOperation> operations, String purpose) {
        String ops = operations.stream().map(AclOperation::name).collect(Collectors.joining(", "));
        String options = operations.stream().map(o -> "--operation " + aclsName(o)).collect(Collectors.joining(" "));
        String resource = resourceType.equals("cluster") ? "--cluster" : "--" + resourceType + " '" + name + "'";
        return cluster.describeRole() + ": " + cluster.identity().describePrincipal() + " may not " + ops + " " + resourceType
                + (resourceType.equals("cluster") ? "" : " '" + name + "'") + " (" + purpose + "). Allow it: kafka-acls.sh --bootstrap-server "
                + cluster.bootstrapServers() + " --command-config <admin.properties> --add --allow-principal '" + cluster.identity().aclPrincipal()
                + "' " + options + " " + resource;
    }

    /**
     * Explains an authorization failure of a running client (an ACL taken away after startup): a topic Ferry reads from
     * is a source topic (READ on the source), any other one a destination topic (WRITE on the destination), a group is
     * Ferry's own on the source.
     *
     * @param isSourceTopic whether a stream reads the topic
     * @param group         Ferry's consumer group on the source
     */
    public static String authorization(AuthorizationException failure, ClusterRef source, ClusterRef destination,
                                       Predicate<String> isSourceTopic, String group) {
        if (failure instanceof TopicAuthorizationException topics && !topics.unauthorizedTopics().isEmpty()) {
            return topics.unauthorizedTopics().stream().sorted().map(t -> isSourceTopic.test(t)
                    ? missingAcl(source, "topic", t, List.of(AclOperation.READ), "copying reads it")
                    : missingAcl(destination, "topic", t, List.of(AclOperation.WRITE), "copies are written there")).collect(Collectors.joining("\n"));
        }
        if (failure instanceof GroupAuthorizationException) {
            return missingAcl(source, "group", group, List.of(AclOperation.READ), "Ferry's Kafka Streams consumer group");
        }
        return "a cluster refused " + source.identity().describePrincipal() + " (source) or " + destination.identity().describePrincipal()
                + " (destination): " + failure.getMessage() + ". README \"Security\" lists the ACLs Ferry needs.";
    }

    /** READ -> Read, DESCRIBE_CONFIGS -> DescribeConfigs, as kafka-acls takes them. */
    static String aclsName(AclOperation operation) {
        StringBuilder name = new StringBuilder();
        for (String part : operation.name().split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    private static Throwable find(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static Throwable deepest(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
