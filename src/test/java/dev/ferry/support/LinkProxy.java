package dev.ferry.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The network link between Ferry and a cluster, as a TCP proxy on loopback with one route per broker. A test can give it
 * a round trip ({@link #roundTrip}: each chunk of bytes arrives half of it later, in order, while later ones follow it,
 * as on a long link) and <em>freeze</em> it: connections stay open and new ones are accepted, but no byte passes either
 * way until {@link #thaw()} — what a partition between regions looks like (nothing is refused or reset; requests and
 * answers wait somewhere on the way).
 * <p>
 * Each broker must advertise its route's address on the listener its clients use ({@link BrokerProcess#behind},
 * {@link BrokerCluster}), or they would leave the proxy after their first metadata answer. Client-to-broker bytes are
 * forwarded as whole Kafka request frames (a size, then that many bytes), so that
 * {@link #freezeAfterNextProduceRequest()} can let one produce request through and hold its answer: the destination
 * writes the batch, the producer never hears so. Plaintext listeners only. What it does not model: TCP's window (the
 * proxy ends each TCP connection on loopback, so a socket buffer's limit per round trip does not apply), loss, and
 * bandwidth. Why not a library: netcrusher-core (Maven Central; last release 0.10, 2018) freezes and delays a TCP link
 * too, but sees bytes, not Kafka frames, so it cannot hold the answer to one produce request.
 */
public final class LinkProxy implements AutoCloseable {

    private static final short PRODUCE = 0;

    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long oneWayNanos;
    private boolean frozen;
    private boolean freezeAfterProduce;
    private volatile boolean closed;

    /**
     * Opens a route to a broker's port on loopback.
     *
     * @return the route's address, which the broker advertises
     */
    public String route(int brokerPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread acceptor = new Thread(() -> accept(server, brokerPort), "link-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Every route's address, as a client's {@code bootstrap.servers}. */
    public String servers() {
        return String.join(",", servers.stream().map(s -> "127.0.0.1:" + s.getLocalPort()).toList());
    }

    /** From now on each chunk of bytes arrives half of {@code roundTrip} after the proxy read it (zero: at once). */
    public void roundTrip(Duration roundTrip) {
        oneWayNanos = roundTrip.toNanos() / 2;
    }

    /** From now on no byte passes either way; held bytes pass, in order, after {@link #thaw()}. */
    public synchronized void freeze() {
        frozen = true;
    }

    /** Forwards the next produce request whole, then freezes: the broker writes the batch, its acknowledgement is held. */
    public synchronized void freezeAfterNextProduceRequest() {
        freezeAfterProduce = true;
    }

    /** Whether the link is frozen (after {@link #freezeAfterNextProduceRequest()}, once a produce request went through). */
    public synchronized boolean frozen() {
        return frozen;
    }

    public synchronized void thaw() {
        frozen = false;
        freezeAfterProduce = false;
        notifyAll();
    }

    /** Blocks while the link is frozen. */
    private synchronized void pass() throws InterruptedException {
        while (frozen && !closed) {
            wait();
        }
    }

    private synchronized void forwarded(short apiKey) {
        if (freezeAfterProduce && apiKey == PRODUCE) {
            freezeAfterProduce = false;
            frozen = true;
        }
    }

    private void accept(ServerSocket server, int target) {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket broker;
                try {
                    broker = new Socket(InetAddress.getLoopbackAddress(), target);
                } catch (IOException down) {
                    client.close();   // the broker is down: the client sees its connection end, as it would across the link
                    continue;
                }
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                String name = "link-proxy-" + server.getLocalPort();
                Wire toBroker = new Wire(broker, name + "-to-broker");
                Wire toClient = new Wire(client, name + "-to-client");
                start(name + "-requests", () -> requests(client, toBroker));
                start(name + "-answers", () -> answers(broker, toClient));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("link proxy on " + server.getLocalPort() + ": " + e);
                }
            }
        }
    }

    private static void start(String name, Pump pump) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException | InterruptedException e) {
                // the connection ended (either side closed it, or the proxy did)
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @FunctionalInterface
    private interface Pump {
        void run() throws IOException, InterruptedException;
    }

    /** Client to broker, frame by frame. */
    private void requests(Socket client, Wire toBroker) throws IOException, InterruptedException {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            while (true) {
                int size;
                try {
                    size = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                byte[] frame = new byte[4 + size];
                ByteBuffer.wrap(frame).putInt(size);
                in.readFully(frame, 4, size);
                toBroker.send(frame, size >= 2 ? (short) (((frame[4] & 0xff) << 8) | (frame[5] & 0xff)) : -1);
            }
        } finally {
            toBroker.end();
        }
    }

    /** Broker to client, as bytes come. */
    private void answers(Socket broker, Wire toClient) throws IOException, InterruptedException {
        try (broker) {
            InputStream in = broker.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                toClient.send(Arrays.copyOf(buffer, n), (short) -1);
            }
        } finally {
            toClient.end();
        }
    }

    /** One direction of a connection: chunks wait out the link's delay (and any freeze) and arrive in order. */
    private final class Wire {

        private record Chunk(byte[] bytes, short apiKey, long due) {
        }

        private static final Chunk END = new Chunk(new byte[0], (short) -1, 0);

        private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

        Wire(Socket to, String name) {
            start(name, () -> deliver(to));
        }

        void send(byte[] bytes, short apiKey) {
            queue.add(new Chunk(bytes, apiKey, System.nanoTime() + oneWayNanos));
        }

        void end() {
            queue.add(END);
        }

        private void deliver(Socket to) throws IOException, InterruptedException {
            try (to) {
                OutputStream out = to.getOutputStream();
                for (Chunk chunk = queue.take(); chunk != END && !closed; chunk = queue.take()) {
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    pass();
                    out.write(chunk.bytes());
                    out.flush();
                    if (chunk.apiKey() >= 0) {
                        forwarded(chunk.apiKey());
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        for (ServerSocket server : servers) {
            server.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
