package dev.ferry.cluster;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who Ferry is to one cluster, worked out from its client settings alone (Kafka has no "who am I" request), so that a
 * refusal names the principal an ACL must name, and an expired client certificate is called that. Only the user name
 * is read from {@code sasl.jaas.config}; no secret is kept or shown.
 *
 * @param principal   the principal the cluster's authorizer sees ({@code User:ferry}, {@code User:CN=ferry}), null if it
 *                    cannot be told from the settings (OAuth, custom principal builders or mapping rules, provider references)
 * @param certificate the subject of Ferry's client certificate, null without one
 * @param expires     when that certificate expires, null without one
 */
public record ClientIdentity(String principal, String certificate, Instant expires) {

    public static final ClientIdentity UNKNOWN = new ClientIdentity(null, null, null);

    private static final Pattern USERNAME = Pattern.compile("\\busername\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern KERBEROS = Pattern.compile("\\bprincipal\\s*=\\s*\"([^\"/@]*)");

    /** @param config a cluster's client settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) */
    public static ClientIdentity of(Map<String, ?> config) {
        String protocol = text(config, "security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        X509Certificate certificate = protocol.endsWith("SSL") ? clientCertificate(config) : null;
        String subject = certificate == null ? null : certificate.getSubjectX500Principal().getName();
        Instant expires = certificate == null ? null : certificate.getNotAfter().toInstant();
        String principal = switch (protocol) {
            case "PLAINTEXT" -> "User:ANONYMOUS";
            case "SSL" -> subject == null ? (config.containsKey("ssl.keystore.location") ? null : "User:ANONYMOUS")
                    : text(config, "ssl.principal.mapping.rules", "DEFAULT").trim().equals("DEFAULT") ? "User:" + subject : null;
            default -> saslPrincipal(config);
        };
        return new ClientIdentity(principal, subject, expires);
    }

    /** The principal for messages: the known one, or a description of where to find it. */
    public String describePrincipal() {
        return principal != null ? principal : certificate != null ? "the principal of certificate " + certificate : "Ferry's principal";
    }

    /** The principal for a {@code kafka-acls} command line: the known one, or a placeholder to fill in. */
    public String aclPrincipal() {
        return principal != null ? principal : "User:<Ferry's principal>";
    }

    public boolean expiredAt(Instant now) {
        return expires != null && expires.isBefore(now);
    }

    private static String saslPrincipal(Map<String, ?> config) {
        String mechanism = text(config, "sasl.mechanism", "GSSAPI").toUpperCase(Locale.ROOT);
        String jaas = text(config, "sasl.jaas.config", "");
        Matcher m = (mechanism.equals("GSSAPI") ? KERBEROS : USERNAME).matcher(jaas);
        boolean named = mechanism.equals("PLAIN") || mechanism.startsWith("SCRAM-") || mechanism.equals("GSSAPI");
        return named && !jaas.contains("${") && m.find() ? "User:" + m.group(1) : null;
    }

    /** The first certificate of the key store's first key entry; null if there is none or it cannot be read here. */
    private static X509Certificate clientCertificate(Map<String, ?> config) {
        String location = text(config, "ssl.keystore.location", "");
        Object password = config.get("ssl.keystore.password");
        String secret = password == null ? null : password instanceof org.apache.kafka.common.config.types.Password p ? p.value() : password.toString();
        if (location.isBlank() || location.contains("${") || secret == null || secret.contains("${")) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(text(config, "ssl.keystore.type", "JKS"));
            store.load(in, secret.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x509) {
                        return x509;
                    }
                }
            }
            return null;
        } catch (Exception unreadable) {
            return null;   // Kafka's client reports an unreadable key store itself, naming the setting
        }
    }

    private static String text(Map<String, ?> config, String key, String fallback) {
        Object value = config.get(key);
        return value == null ? fallback : value.toString();
    }
}
