package dev.ferry.support;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The network link between Ferry and a cluster, as a TCP proxy on loopback that a test can <em>freeze</em>: connections
 * stay open and new ones are accepted, but no byte passes either way until {@link #thaw()} — what a partition between
 * regions looks like (nothing is refused or reset; requests and answers wait somewhere on the way).
 * <p>
 * The broker must advertise the proxy's address on the listener its clients use ({@link BrokerProcess#behind}), or they
 * would leave the proxy after their first metadata answer. Client-to-broker bytes are forwarded as whole Kafka request
 * frames (a size, then that many bytes), so that {@link #freezeAfterNextProduceRequest()} can let one produce request
 * through and hold its answer: the destination writes the batch, the producer never hears so. Plaintext listeners only.
 */
public final class LinkProxy implements AutoCloseable {

    private static final short PRODUCE = 0;

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile int target = -1;
    private boolean frozen;
    private boolean freezeAfterProduce;
    private volatile boolean closed;

    public LinkProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "link-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Where the link leads: the broker's port on loopback. */
    public void forwardTo(int port) {
        this.target = port;
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

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (target < 0) {
                    client.close();
                    continue;
                }
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                start("requests", () -> requests(client, broker));
                start("answers", () -> answers(broker, client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("link proxy on " + port() + ": " + e);
                }
            }
        }
    }

    private void start(String name, Pump pump) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException | InterruptedException e) {
                // the connection ended (either side closed it, or the proxy did)
            }
        }, "link-proxy-" + port() + "-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @FunctionalInterface
    private interface Pump {
        void run() throws IOException, InterruptedException;
    }

    /** Client to broker, frame by frame. */
    private void requests(Socket client, Socket broker) throws IOException, InterruptedException {
        try (client; broker) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(broker.getOutputStream());
            while (true) {
                int size;
                try {
                    size = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                byte[] frame = new byte[size];
                in.readFully(frame);
                pass();
                out.writeInt(size);
                out.write(frame);
                out.flush();
                forwarded(size >= 2 ? (short) (((frame[0] & 0xff) << 8) | (frame[1] & 0xff)) : -1);
            }
        }
    }

    /** Broker to client, as bytes come. */
    private void answers(Socket broker, Socket client) throws IOException, InterruptedException {
        try (broker; client) {
            InputStream in = broker.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                pass();
                out.write(buffer, 0, n);
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
