package io.sluice.config;

import java.util.Optional;

/**
 * A {@code host:port} pair as operators write it in a list setting (seed nodes, contact points). An IPv6 host is
 * written in brackets, {@code [::1]:25520}.
 */
public record HostPort(String host, int port) {

  /** The pair, or empty when {@code text} is not {@code host:port} with a port from 1 to 65535. */
  static Optional<HostPort> parse(String text) {
    String trimmed = text.strip();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      return Optional.empty();
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return host.isBlank() || port < 1 || port > 65535 ? Optional.empty() : Optional.of(new HostPort(host, port));
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
