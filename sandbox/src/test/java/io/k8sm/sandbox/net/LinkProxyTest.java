package io.k8sm.sandbox.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards both ways, a RESET cut resets every connection, a BLACKHOLE cut holds bytes back. */
class LinkProxyTest {
    private ServerSocket echo;
    private LinkProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = LinkProxy.start("echo", 0, "127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void bytesGoThroughTheProxyBothWays() throws IOException {
        try (Socket s = connect()) {
            assertEquals("hello", roundTrip(s, "hello"));
            assertEquals("again", roundTrip(s, "again"));
        }
        assertEquals(1, proxy.connections());
    }

    @Test
    void aResetCutResetsOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        try (Socket open = connect()) {
            assertEquals("up", roundTrip(open, "up"));
            proxy.cut(LinkProxy.Mode.RESET);
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) { // the reset shows on a read, or on a write after it
                    roundTrip(open, "down");
                }
            });
            try (Socket fresh = connect()) {
                assertThrows(IOException.class, () -> roundTrip(fresh, "refused"));
            }
            proxy.restore();
            try (Socket after = connect()) {
                assertEquals("back", roundTrip(after, "back"));
            }
        }
        assertEquals(1, proxy.cuts());
    }

    @Test
    void aBlackholeHoldsBytesBackAndDeliversThemInOrderOnRestore() throws IOException {
        try (Socket s = connect()) {
            assertEquals("up", roundTrip(s, "up"));
            proxy.cut(LinkProxy.Mode.BLACKHOLE);
            OutputStream out = s.getOutputStream();
            out.write("one,".getBytes(StandardCharsets.UTF_8));
            out.write("two".getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            proxy.restore();
            s.setSoTimeout(10_000);
            assertArrayEquals("one,two".getBytes(StandardCharsets.UTF_8), readN(s.getInputStream(), 7));
        }
    }

    @Test
    void aConnectionMadeDuringABlackholeConnectsOnRestore() throws IOException {
        proxy.cut(LinkProxy.Mode.BLACKHOLE);
        try (Socket s = connect()) {
            s.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
            proxy.restore();
            s.setSoTimeout(10_000);
            assertEquals("late", new String(readN(s.getInputStream(), 4), StandardCharsets.UTF_8));
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        return new String(readN(s.getInputStream(), b.length), StandardCharsets.UTF_8);
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("connection ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }
}
