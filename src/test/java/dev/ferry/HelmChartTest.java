package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.ferry.config.ReplicationPlans;
import dev.ferry.config.FerryProperties;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart is linted and rendered with the helm library that helm-java bundles; the manifests are parsed and checked. */
class HelmChartTest {

    private static final Path CHART = Path.of("helm-chart");

    /** Renders with an image repository set, as every real install must (the chart refuses to render without one). */
    private static List<Map<String, Object>> render(Path valuesFile) {
        var template = new Helm(CHART).template().withName("ferry").set("image.repository", "registry.example/ferry");
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(template.call())) {
            if (doc != null) {
                manifests.add(map(doc));
            }
        }
        return manifests;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private static Object at(Object root, String... path) {
        Object current = root;
        for (String step : path) {
            current = step.matches("\\d+") ? list(current).get(Integer.parseInt(step)) : map(current).get(step);
        }
        return current;
    }

    @Test
    void lintPasses(@TempDir Path dir) throws Exception {
        // helm lint renders with the chart's own values, where the image repository is deliberately empty: lint a copy with one set
        Path chart = dir.resolve("ferry");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path target = chart.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path values = chart.resolve("values.yaml");
        Files.writeString(values, Files.readString(values).replace("repository: \"\"", "repository: registry.example/ferry"));
        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void refusesToRenderWithoutAnImageRepository() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("ferry").call())
                .hasMessageContaining("image.repository is not set: build Ferry's image, push it to a registry");
    }

    @Test
    void rendersAHardenedDeploymentWithProbesOnTheManagementPort() {
        List<Map<String, Object>> manifests = render(null);
        assertThat(manifests).extracting(m -> m.get("kind"))
                .containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service", "Deployment", "PodDisruptionBudget");
        Map<String, Object> deployment = kind(manifests, "Deployment");
        Object pod = at(deployment, "spec", "template", "spec");
        Object container = at(pod, "containers", "0");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
        // one pod at a time, the replacement ready (joined) before an old one stops; time for the clean leave on SIGTERM
        assertThat(at(deployment, "spec", "strategy", "rollingUpdate")).isEqualTo(Map.of("maxSurge", 1, "maxUnavailable", 0));
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(45);
        assertThat(at(kind(manifests, "PodDisruptionBudget"), "spec", "maxUnavailable")).isEqualTo(1);
        assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat(at(container, "ports", "0", "name")).isEqualTo("management");
        assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(list(at(container, "securityContext", "capabilities", "drop"))).containsExactly("ALL");
        assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat(String.valueOf(at(deployment, "spec", "template", "metadata", "annotations", "checksum/config"))).hasSize(64);
        assertThat(list(at(container, "args"))).contains("--spring.config.additional-location=file:/config/application.yml");
        assertThat(list(at(container, "env"))).contains(Map.of("name", "LOGGING_STRUCTURED_FORMAT_CONSOLE", "value", "ecs"));
        assertThat(at(kind(manifests, "Service"), "spec", "ports", "0", "targetPort")).isEqualTo("management");

        // The ConfigMap holds the mappings from the values, as an application.yml Ferry binds.
        Map<String, Object> config = map(new Yaml().load((String) at(kind(manifests, "ConfigMap"), "data", "application.yml")));
        assertThat(at(config, "ferry", "streams", "0", "name")).isEqualTo("orders-eu");
        assertThat(at(config, "ferry", "streams", "0", "filter", "header", "equals")).isEqualTo("eu");
        assertThat(at(config, "ferry", "source", "bootstrap-servers")).isEqualTo("kafka-east:9092");
    }

    @Test
    void rendersCustomValuesWithCredentialsFromAnExistingSecret() {
        List<Map<String, Object>> manifests = render(Path.of("src/test/resources/helm/custom-values.yaml"));
        Map<String, Object> deployment = kind(manifests, "Deployment");
        Object container = at(deployment, "spec", "template", "spec", "containers", "0");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(4);
        assertThat(at(container, "image")).isEqualTo("registry.example/ferry:1.2.3");
        assertThat(list(at(container, "env"))).contains(Map.of("name", "EAST_JAAS_CONFIG",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "ferry-credentials", "key", "east-jaas-config"))));
        assertThat(list(at(container, "env"))).noneMatch(e -> "LOGGING_STRUCTURED_FORMAT_CONSOLE".equals(map(e).get("name")));
        assertThat(list(at(container, "env"))).contains(Map.of("name", "FERRY_INSTANCEID",
                "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name"))));
        // key stores as read-only files from the Secret, their password from the Secret too; a new version rolls the pods
        assertThat(list(at(deployment, "spec", "template", "spec", "volumes"))).contains(Map.of("name", "west-tls",
                "secret", Map.of("secretName", "ferry-west-tls", "defaultMode", 0440)));
        assertThat(list(at(container, "volumeMounts"))).contains(Map.of("name", "west-tls", "mountPath", "/etc/ferry/west", "readOnly", true));
        assertThat(list(at(container, "env"))).contains(Map.of("name", "WEST_STORE_PASSWORD",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "ferry-credentials", "key", "west-store-password"))));
        assertThat(map(at(deployment, "spec", "template", "metadata", "annotations"))).containsEntry("ferry.dev/secret-version-west-tls", "2026-12");
        assertThat(at(kind(manifests, "ServiceMonitor"), "spec", "endpoints", "0", "path")).isEqualTo("/actuator/prometheus");

        String applicationYml = (String) at(kind(manifests, "ConfigMap"), "data", "application.yml");
        assertThat(applicationYml).contains("${EAST_JAAS_CONFIG}").contains("ssl.keystore.password: ${WEST_STORE_PASSWORD}")
                .contains("ssl.keystore.location: /etc/ferry/west/ferry.p12");
        Map<String, Object> config = map(new Yaml().load(applicationYml));
        assertThat(at(config, "ferry", "streams", "1", "rename")).isEqualTo("${source.alias}.${topic}");
        assertThat(at(config, "ferry", "streams", "0", "filter", "all", "1", "json", "gte")).isEqualTo(100);

        // ... and Ferry accepts it as its configuration.
        StandardEnvironment environment = new StandardEnvironment();
        try {
            new YamlPropertySourceLoader().load("application.yml", new ByteArrayResource(applicationYml.getBytes(StandardCharsets.UTF_8)))
                    .forEach(source -> environment.getPropertySources().addFirst(source));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        ReplicationPlan plan = ReplicationPlans.from(Binder.get(environment).bind("ferry", FerryProperties.class).get());
        assertThat(plan.streams()).extracting(StreamMapping::name).containsExactly("payments-settled", "audit");
        assertThat(plan.stream("audit").namer().destinationFor("audit.x")).isEqualTo("east.audit.x");
    }

    @Test
    void checksumChangesWhenTheMappingsChange() {
        Object defaults = at(kind(render(null), "Deployment"), "spec", "template", "metadata", "annotations", "checksum/config");
        Object custom = at(kind(render(Path.of("src/test/resources/helm/custom-values.yaml")), "Deployment"),
                "spec", "template", "metadata", "annotations", "checksum/config");
        assertThat(custom).isNotEqualTo(defaults);
    }

    @Test
    void schemaRejectsAGracePeriodTooShortForTheCleanLeave(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path shortGrace = dir.resolve("short-grace.yaml");
        java.nio.file.Files.writeString(shortGrace, "terminationGracePeriodSeconds: 10\n");
        assertThatThrownBy(() -> render(shortGrace)).hasMessageContaining("terminationGracePeriodSeconds");
    }

    @Test
    void schemaRejectsAStreamWithABadNameOrTwoFilterKinds(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path badName = dir.resolve("bad-name.yaml");
        java.nio.file.Files.writeString(badName, """
                ferry:
                  streams:
                    - { name: Orders_EU, source: orders, destination: east.orders }
                """);
        assertThatThrownBy(() -> render(badName)).hasMessageContaining("ferry.streams.0.name: Does not match pattern");
        Path twoKinds = dir.resolve("two-kinds.yaml");
        java.nio.file.Files.writeString(twoKinds, """
                ferry:
                  streams:
                    - name: orders
                      source: orders
                      destination: east.orders
                      filter: { header: { name: region, equals: eu }, key: { prefix: x } }
                """);
        assertThatThrownBy(() -> render(twoKinds)).hasMessageContaining("ferry.streams.0.filter");
    }
}
