package dev.ferry.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * A KRaft cluster of broker processes as production runs one: three nodes that are brokers and controllers at once,
 * replication factor 3 and {@code min.insync.replicas=2} for every topic (internal ones included). A test stops,
 * kills and starts single nodes, and asks which node has a role (a partition's leader, the active controller, a
 * group's coordinator) to bounce that one.
 */
public final class BrokerCluster implements AutoCloseable {

    private final List<BrokerProcess> nodes = new ArrayList<>();

    private BrokerCluster() {
    }

    public static BrokerCluster start(Path dir, int size) throws Exception {
        return start(dir, size, null);
    }

    /** @param link when not null, clients that bootstrap through its routes ({@link LinkProxy#servers()}) stay on them */
    public static BrokerCluster start(Path dir, int size, LinkProxy link) throws Exception {
        BrokerCluster cluster = new BrokerCluster();
        try {
            int[] ports = new int[size];
            int[] controllers = new int[size];
            List<String> voters = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ports[i] = BrokerProcess.freePort();
                controllers[i] = BrokerProcess.freePort();
                voters.add((i + 1) + "@127.0.0.1:" + controllers[i]);
            }
            String clusterId = BrokerProcess.Placement.newClusterId();
            for (int i = 0; i < size; i++) {
                BrokerProcess.Placement placement = new BrokerProcess.Placement(i + 1, ports[i], controllers[i], String.join(",", voters), clusterId, size);
                cluster.nodes.add(new BrokerProcess(dir.resolve("node-" + (i + 1)), placement, "PLAINTEXT", Map.of(), List.of(), link));
            }
            // no node finishes starting before a majority of the controllers runs: start them all, then wait
            for (BrokerProcess node : cluster.nodes) {
                node.launch();
            }
            for (BrokerProcess node : cluster.nodes) {
                node.awaitStarted();
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node's direct address (the test's own clients; Ferry may go through a link instead). */
    public String servers() {
        return nodes.stream().map(BrokerProcess::servers).collect(Collectors.joining(","));
    }

    /** The node with this id (1-based). */
    public BrokerProcess node(int id) {
        return nodes.get(id - 1);
    }

    public List<BrokerProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** The node that leads a partition now. */
    public BrokerProcess leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return node(description.partitions().get(partition).leader().id());
        }
    }

    /** The node whose controller leads the quorum now. */
    public BrokerProcess activeController() throws Exception {
        try (Admin admin = admin()) {
            return node(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId());
        }
    }

    /** The node that coordinates a consumer group now (a Kafka Streams application id is one). */
    public BrokerProcess coordinatorOf(String group) throws Exception {
        try (Admin admin = admin()) {
            return node(admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).coordinator().id());
        }
    }

    private Admin admin() {
        String running = nodes.stream().filter(BrokerProcess::alive).map(BrokerProcess::servers).collect(Collectors.joining(","));
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running));
    }

    /** Kills every node: a clean stop of the last nodes would wait for a quorum that is gone, and the test is over. */
    @Override
    public void close() throws InterruptedException {
        for (BrokerProcess node : nodes) {
            if (node.alive()) {
                node.kill();
            }
        }
    }
}
