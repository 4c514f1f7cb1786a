package io.sluice.bench;

import io.sluice.orchestrator.database.PermitUnavailableException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Failed requests, counted by kind ({@code Rejected TIMED_OUT}, {@code connection timeout}, an exception's class). */
final class Errors {
  private final ConcurrentHashMap<String, AtomicLong> byKind = new ConcurrentHashMap<>();

  void record(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    String kind = cause instanceof PermitUnavailableException rejected ? "Rejected " + rejected.reason()
        : cause instanceof SQLTransientConnectionException ? "connection timeout"
        : cause.getClass().getSimpleName();
    byKind.computeIfAbsent(kind, key -> new AtomicLong()).incrementAndGet();
  }

  long total() {
    return byKind.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** {@code 0}, or the total followed by the kinds, e.g. {@code 41 (connection timeout 41)}. */
  String describe() {
    long total = total();
    if (total == 0) {
      return "0";
    }
    Map<String, Long> sorted = new TreeMap<>();
    byKind.forEach((kind, count) -> sorted.put(kind, count.get()));
    return total + " (" + sorted.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }
}
