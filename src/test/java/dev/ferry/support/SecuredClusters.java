package dev.ferry.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Two secured single-node clusters, each a broker process, as a production estate runs them: the source speaks
 * {@code SASL_SSL} with SCRAM-SHA-512, the destination {@code SSL} with client certificates; both use Kafka's standard
 * authorizer with {@code allow.everyone.if.no.acl.found=false}, so a principal may do exactly what an ACL allows. Ferry's
 * principals ({@code User:ferry} on the source, {@code User:CN=ferry} on the destination) start with no ACL at all;
 * the tests grant them. The test's own clients are super users ({@code admin}, {@code CN=admin}).
 */
public final class SecuredClusters implements AutoCloseable {

    /** Ferry's SCRAM password on the source; tests search Ferry's output for it. */
    public static final String FERRY_PASSWORD = "ferry-scram-secret-71c2";
    public static final String SOURCE_PRINCIPAL = "User:ferry";
    public static final String DESTINATION_PRINCIPAL = "User:CN=ferry";
    private static final String ADMIN_PASSWORD = "admin-scram-secret-5d0e";
    /** An application's SCRAM user on the source ({@code User:app}); on the destination it has the certificate {@code CN=app}. */
    public static final String APP = "app";
    public static final String APP_PASSWORD = "app-scram-secret-9b3a";

    private final TestCertificates certificates;
    private final BrokerProcess source;
    private final BrokerProcess destination;
    private final Admin sourceAdmin;
    private final Admin destinationAdmin;

    public SecuredClusters(Path dir) throws Exception {
        this.certificates = new TestCertificates(dir.resolve("tls"));
        Map<String, String> sourceServer = sourceServer();
        Map<String, String> destinationServer = destinationServer();
        // both brokers start at once (each takes several seconds)
        CompletableFuture<BrokerProcess> sourceStarted = CompletableFuture.supplyAsync(() -> broker(dir.resolve("source"), "SASL_SSL", sourceServer,
                List.of("--add-scram", "SCRAM-SHA-512=[name=admin,password=" + ADMIN_PASSWORD + "]",
                        "--add-scram", "SCRAM-SHA-512=[name=ferry,password=" + FERRY_PASSWORD + "]",
                        "--add-scram", "SCRAM-SHA-512=[name=" + APP + ",password=" + APP_PASSWORD + "]")));
        this.destination = broker(dir.resolve("destination"), "SSL", destinationServer, List.of());
        this.source = sourceStarted.join();
        this.sourceAdmin = Admin.create(withServers(sourceClient("admin", ADMIN_PASSWORD), source.servers()));
        this.destinationAdmin = Admin.create(withServers(destinationClient(certificates.keystore("admin")), destination.servers()));
    }

    private static BrokerProcess broker(Path dir, String protocol, Map<String, String> server, List<String> formatArgs) {
        try {
            return new BrokerProcess(dir, protocol, server, formatArgs);
        } catch (Exception e) {
            throw new IllegalStateException("the " + protocol + " broker in " + dir + " did not start", e);
        }
    }

    private Map<String, String> sourceServer() throws Exception {
        // valid for 127.0.0.1 only: a client that bootstraps from localhost fails host name verification
        Map<String, String> server = secured(certificates.keystore("source-broker", "ip:127.0.0.1", false, true));
        server.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        server.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        server.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas("admin", ADMIN_PASSWORD));
        // the broker reaches its own controller over the plaintext controller listener, as ANONYMOUS
        server.put("super.users", "User:admin;User:ANONYMOUS");
        return server;
    }

    private Map<String, String> destinationServer() throws Exception {
        Map<String, String> server = secured(certificates.keystore("destination-broker"));
        server.put("ssl.client.auth", "required");
        server.put("super.users", "User:CN=destination-broker;User:CN=admin;User:ANONYMOUS");
        return server;
    }

    private Map<String, String> secured(Path keystore) {
        Map<String, String> server = new LinkedHashMap<>();
        server.put("ssl.keystore.location", keystore.toString());
        server.put("ssl.keystore.type", "PKCS12");
        server.put("ssl.keystore.password", TestCertificates.PASSWORD);
        trusting(server);
        server.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        server.put("allow.everyone.if.no.acl.found", "false");
        return server;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    public TestCertificates certificates() {
        return certificates;
    }

    public String sourceServers() {
        return source.servers();
    }

    public String destinationServers() {
        return destination.servers();
    }

    /** Client settings for the source as {@code user} (without bootstrap servers). */
    public Map<String, String> sourceClient(String user, String password) {
        Map<String, String> client = new LinkedHashMap<>();
        client.put("security.protocol", "SASL_SSL");
        client.put("sasl.mechanism", "SCRAM-SHA-512");
        client.put("sasl.jaas.config", jaas(user, password));
        trusting(client);
        return client;
    }

    /** Client settings for the destination with the given key store (without bootstrap servers). */
    public Map<String, String> destinationClient(Path keystore) {
        Map<String, String> client = new LinkedHashMap<>();
        client.put("security.protocol", "SSL");
        client.put("ssl.keystore.location", keystore.toString());
        client.put("ssl.keystore.type", "PKCS12");
        client.put("ssl.keystore.password", TestCertificates.PASSWORD);
        trusting(client);
        return client;
    }

    /** The trust store that holds the test authority, which signed both brokers' certificates. */
    private void trusting(Map<String, String> settings) {
        settings.put("ssl.truststore.location", certificates.truststore().toString());
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.password", TestCertificates.PASSWORD);
    }

    /** Ferry's settings for both clusters as {@code ferry.source.properties[...]} / {@code ferry.destination.properties[...]} pairs. */
    public List<String> ferrySettings() throws Exception {
        List<String> settings = new ArrayList<>();
        settings.add("ferry.source.bootstrap-servers=" + source.servers());
        settings.add("ferry.destination.bootstrap-servers=" + destination.servers());
        sourceClient("ferry", FERRY_PASSWORD).forEach((k, v) -> settings.add("ferry.source.properties[" + k + "]=" + v));
        destinationClient(certificates.keystore("ferry")).forEach((k, v) -> settings.add("ferry.destination.properties[" + k + "]=" + v));
        return settings;
    }

    public Admin sourceAdmin() {
        return sourceAdmin;
    }

    public Admin destinationAdmin() {
        return destinationAdmin;
    }

    public void createSourceTopic(String name, int partitions) throws Exception {
        sourceAdmin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    public void createSourceTopicIfMissing(String name, int partitions) throws Exception {
        if (!sourceAdmin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
            createSourceTopic(name, partitions);
        }
    }

    public void createDestinationTopic(String name, int partitions) throws Exception {
        destinationAdmin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /** One ACL to allow; {@code patternType} LITERAL or PREFIXED. */
    public record Acl(String principal, ResourceType type, String name, PatternType patternType, AclOperation operation) {

        public static Acl literal(String principal, ResourceType type, String name, AclOperation operation) {
            return new Acl(principal, type, name, PatternType.LITERAL, operation);
        }

        public AclBinding binding() {
            return new AclBinding(new ResourcePattern(type, name, patternType), new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
        }
    }

    public void grantOnSource(List<Acl> acls) throws Exception {
        sourceAdmin.createAcls(acls.stream().map(Acl::binding).toList()).all().get(30, TimeUnit.SECONDS);
    }

    public void grantOnDestination(List<Acl> acls) throws Exception {
        destinationAdmin.createAcls(acls.stream().map(Acl::binding).toList()).all().get(30, TimeUnit.SECONDS);
    }

    /** Removes every ACL on both clusters. */
    public void revokeAll() throws Exception {
        sourceAdmin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
        destinationAdmin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS);
    }

    public KafkaProducer<byte[], byte[]> sourceProducer() {
        return producer(withServers(sourceClient("admin", ADMIN_PASSWORD), source.servers()));
    }

    public KafkaProducer<byte[], byte[]> destinationProducer() throws Exception {
        return producer(withServers(destinationClient(certificates.keystore("admin")), destination.servers()));
    }

    public KafkaConsumer<byte[], byte[]> sourceConsumer(String group) {
        return consumer(withServers(sourceClient("admin", ADMIN_PASSWORD), source.servers()), group);
    }

    public KafkaConsumer<byte[], byte[]> destinationConsumer(String group) throws Exception {
        return consumer(withServers(destinationClient(certificates.keystore("admin")), destination.servers()), group);
    }

    /** The application's consumer on the source, as {@code User:app}. */
    public KafkaConsumer<byte[], byte[]> sourceConsumerAsApp(String group) {
        return consumer(withServers(sourceClient(APP, APP_PASSWORD), source.servers()), group);
    }

    /** The application's consumer on the destination, as {@code User:CN=app}. */
    public KafkaConsumer<byte[], byte[]> destinationConsumerAsApp(String group) throws Exception {
        return consumer(withServers(destinationClient(certificates.keystore(APP)), destination.servers()), group);
    }

    /**
     * The application's producer on the destination, as {@code User:CN=app}; not idempotent, so that a refused write is
     * the topic's refusal (an idempotent producer is refused on the cluster first, without IDEMPOTENT_WRITE).
     */
    public KafkaProducer<byte[], byte[]> destinationProducerAsApp() throws Exception {
        Map<String, Object> config = withServers(destinationClient(certificates.keystore(APP)), destination.servers());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.RETRIES_CONFIG, 0);
        return producer(config);
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> config) {
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> config, String group) {
        Properties properties = new Properties();
        properties.putAll(config);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<String, Object> withServers(Map<String, String> client, String servers) {
        Map<String, Object> config = new HashMap<>(client);
        config.put("bootstrap.servers", servers);
        return config;
    }

    @Override
    public void close() throws Exception {
        sourceAdmin.close();
        destinationAdmin.close();
        destination.close();
        source.close();
    }
}
