package dev.ferry.cluster;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.support.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/** Ferry's principal, as the authorizer will see it, from its client settings alone; never a secret. */
class ClientIdentityTest {

    @Test
    void plaintextIsAnonymous() {
        assertThat(ClientIdentity.of(Map.of()).principal()).isEqualTo("User:ANONYMOUS");
    }

    @Test
    void saslUsersComeFromTheJaasConfigAndNothingElseDoes() {
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"ferry\" password=\"p-4711\";";
        ClientIdentity identity = ClientIdentity.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", scram));
        assertThat(identity.principal()).isEqualTo("User:ferry");
        assertThat(identity.toString()).doesNotContain("p-4711");
        String kerberos = "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true principal=\"ferry/host.example@EXAMPLE.COM\";";
        assertThat(ClientIdentity.of(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.jaas.config", kerberos)).principal()).isEqualTo("User:ferry");
        // a reference that Kafka's config provider resolves later, and OAuth, cannot be told here
        assertThat(ClientIdentity.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", "${file:/s:jaas}"))
                .describePrincipal()).isEqualTo("Ferry's principal");
        assertThat(ClientIdentity.of(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "OAUTHBEARER", "sasl.jaas.config", scram))
                .aclPrincipal()).isEqualTo("User:<Ferry's principal>");
    }

    @Test
    void aClientCertificateGivesItsSubjectAndExpiry(@TempDir Path dir) throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        Map<String, String> ssl = Map.of("security.protocol", "SSL", "ssl.keystore.location", certificates.keystore("ferry").toString(),
                "ssl.keystore.type", "PKCS12", "ssl.keystore.password", TestCertificates.PASSWORD);
        ClientIdentity identity = ClientIdentity.of(ssl);
        assertThat(identity.principal()).isEqualTo("User:CN=ferry");
        assertThat(identity.expiredAt(Instant.now())).isFalse();
        assertThat(identity.expiredAt(Instant.now().plusSeconds(3 * 86_400))).isTrue();
        // custom mapping rules: the certificate is known, the principal is not
        Map<String, String> mapped = new java.util.HashMap<>(ssl);
        mapped.put("ssl.principal.mapping.rules", "RULE:^CN=(.*?)$/$1/");
        assertThat(ClientIdentity.of(mapped).describePrincipal()).isEqualTo("the principal of certificate CN=ferry");
        // a wrong store password: unknown, and Kafka's client names the setting itself
        Map<String, String> wrong = new java.util.HashMap<>(ssl);
        wrong.put("ssl.keystore.password", "wrong");
        assertThat(ClientIdentity.of(wrong).principal()).isNull();
    }

    @Test
    void aMissingAclLineNamesEverythingAndTheCommand() {
        ClusterRef west = new ClusterRef("destination", "west", "kafka-west:9093", new ClientIdentity("User:CN=ferry", "CN=ferry", null));
        assertThat(Refusals.missingAcl(west, "topic", "east.orders", java.util.List.of(AclOperation.WRITE, AclOperation.ALTER_CONFIGS), "copies"))
                .isEqualTo("Destination cluster 'west' (kafka-west:9093): User:CN=ferry may not WRITE, ALTER_CONFIGS topic 'east.orders' (copies). "
                        + "Allow it: kafka-acls.sh --bootstrap-server kafka-west:9093 --command-config <admin.properties> --add --allow-principal "
                        + "'User:CN=ferry' --operation Write --operation AlterConfigs --topic 'east.orders'");
    }
}
