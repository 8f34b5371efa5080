package io.k8sm.sandbox.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy for one link (a service's connection to Kafka, the registry, the Mesos master
 * or the Kubernetes API) that a harness can cut and restore, in two ways a network fails:
 *
 * <ul>
 *   <li>{@link Mode#RESET}: every open connection is reset (RST, both sides) and new ones are reset
 *       as soon as they are accepted, as a peer that went away or a firewall rejecting would;
 *   <li>{@link Mode#BLACKHOLE}: nothing is forwarded in either direction and new connections are
 *       accepted but not connected onward, as a partition that drops packets would; TCP retransmits,
 *       so on {@link #restore()} the bytes held back flow on in order, unless a peer gave up first.
 * </ul>
 *
 * Plain blocking {@code java.net}: two pump threads per connection (daemon), loopback only.
 */
public final class LinkProxy implements AutoCloseable {

    /** How a cut link fails. */
    public enum Mode {
        RESET,
        BLACKHOLE
    }

    private final String name;
    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private volatile Mode cut;
    private volatile boolean closed;

    private LinkProxy(String name, InetSocketAddress upstream, ServerSocket server) {
        this.name = name;
        this.upstream = upstream;
        this.server = server;
    }

    /** Listens on loopback {@code listenPort} (0: a free one) and forwards to {@code upstreamHost:upstreamPort}. */
    public static LinkProxy start(String name, int listenPort, String upstreamHost, int upstreamPort)
            throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
        LinkProxy p = new LinkProxy(name, new InetSocketAddress(upstreamHost, upstreamPort), s);
        Thread t = new Thread(p::acceptLoop, "link-proxy-" + name);
        t.setDaemon(true);
        t.start();
        return p;
    }

    public String name() {
        return name;
    }

    /** The port it listens on (loopback). */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** How many times the link was cut. */
    public long cuts() {
        return cuts.get();
    }

    /** The current cut, or {@code null} while the link is up. */
    public Mode cutMode() {
        return cut;
    }

    /** Cuts the link: {@code RESET} resets every open connection now; {@code BLACKHOLE} holds every byte back. */
    public void cut(Mode mode) {
        cuts.incrementAndGet();
        synchronized (gate) {
            cut = mode;
        }
        if (mode == Mode.RESET) {
            open.forEach(LinkProxy::reset);
        }
    }

    /** Restores the link: bytes flow again (connections reset while it was cut stay gone). */
    public void restore() {
        synchronized (gate) {
            cut = null;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    sleepQuietly(50);
                }
                continue;
            }
            connections.incrementAndGet();
            if (cut == Mode.RESET) {
                reset(client);
                continue;
            }
            open.add(client);
            Thread t = new Thread(() -> connect(client), "link-proxy-" + name + "-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        Socket up = new Socket();
        try {
            awaitUp(client);
            up.connect(upstream, 10_000);
            up.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            open.add(up);
            if (cut == Mode.RESET) {
                throw new SocketException("cut while connecting");
            }
        } catch (IOException | InterruptedException e) {
            reset(client);
            reset(up);
            return;
        }
        Thread back = new Thread(() -> pump(up, client), "link-proxy-" + name + "-down");
        back.setDaemon(true);
        back.start();
        pump(client, up);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.remove(client);
        open.remove(up);
        reset(client);
        reset(up);
    }

    /** Copies {@code from} → {@code to} until either ends; holds bytes back while the link is blackholed. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitUp(from);
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            reset(from);
            reset(to);
        }
    }

    /** Blocks while the link is blackholed; throws once it is reset (or the proxy closed). */
    private void awaitUp(Socket s) throws InterruptedException, SocketException {
        synchronized (gate) {
            while (cut == Mode.BLACKHOLE && !closed) {
                gate.wait(500);
            }
        }
        if (cut == Mode.RESET || closed || s.isClosed()) {
            throw new SocketException("link " + name + " cut");
        }
    }

    /** Closes with SO_LINGER 0: the peer sees a connection reset, not an orderly end. */
    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        } catch (IOException e) {
            // already gone
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        restore();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(LinkProxy::reset);
        open.clear();
    }

    @Override
    public String toString() {
        return "LinkProxy[" + name + " :" + port() + " -> " + upstream + (cut == null ? "" : ", cut " + cut) + "]";
    }
}
