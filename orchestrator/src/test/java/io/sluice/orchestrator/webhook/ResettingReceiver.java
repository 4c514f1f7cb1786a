package io.sluice.orchestrator.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A receiver on 127.0.0.1 that reads each request and resets its connection (a close with RST) without answering:
 * what a crashing peer or a middlebox dropping the connection looks like to the sender.
 */
final class ResettingReceiver implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  ResettingReceiver() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptAll, "resetting-receiver");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        accepted.incrementAndGet();
        InputStream in = socket.getInputStream();
        in.read(new byte[8192]);
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // closed: the loop ends; a broken connection: the next one is accepted
      }
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  @Override
  public void close() throws Exception {
    server.close();
    acceptor.join(5_000);
  }
}
