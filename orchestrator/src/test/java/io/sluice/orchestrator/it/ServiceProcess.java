package io.sluice.orchestrator.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a separate JVM ({@code io.sluice.orchestrator.Main} on the test class path), for crash tests:
 * {@link #kill()} is {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL on Linux), so nothing of
 * coordinated shutdown runs. Its output goes to a log file the failure message points at.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Pattern STARTED = Pattern.compile("Sluice started: .* http=http://([^:]+):(\\d+)");

  private final Process process;
  private final Path log;
  private final int httpPort;

  private ServiceProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /**
   * Starts the service with {@code env} on top of this JVM's environment; returns once it serves HTTP.
   *
   * @param log a new file for this start's output (its first start line names the HTTP port)
   */
  public static ServiceProcess start(Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return start(mainCommand(), env, log, timeout);
  }

  /**
   * Starts the service with {@code env} on top of this JVM's environment and returns at once, without waiting for it
   * to serve HTTP: for a start that is expected to fail ({@link #awaitExit}). {@link #httpPort()} is then -1.
   */
  public static ServiceProcess launch(Map<String, String> env, Path log) throws IOException {
    return new ServiceProcess(processBuilder(mainCommand(), env, log).start(), log, -1);
  }

  private static List<String> mainCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.sluice.orchestrator.Main");
  }

  private static ProcessBuilder processBuilder(List<String> command, Map<String, String> env, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder;
  }

  /**
   * Starts the service with {@code command} (which must end by exec-ing the JVM, so that {@link #kill()} reaches
   * it), {@code env} on top of this JVM's environment; returns once it serves HTTP.
   */
  public static ServiceProcess start(List<String> command, Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Process process = processBuilder(command, env, log).start();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("service exited with " + process.exitValue() + "; see " + log);
      }
      Matcher started = STARTED.matcher(Files.readString(log));
      int port = -1;
      while (started.find()) {
        port = Integer.parseInt(started.group(2));
      }
      if (port > 0) {
        return new ServiceProcess(process, log, port);
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException("service did not start within " + timeout + "; see " + log);
  }

  /**
   * The environment every crash test starts the service with: the test PostgreSQL, a fixed HTTP port (so that a
   * restart answers where the client already points), an admin key, no first key, and its files under {@code data}.
   */
  public static Map<String, String> baseEnvironment(int httpPort, String adminKey, Path data) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("SLUICE_DB_URL", io.sluice.orchestrator.TestDatabase.URL);
    env.put("SLUICE_DB_USER", io.sluice.orchestrator.TestDatabase.USER);
    env.put("SLUICE_DB_PASSWORD", io.sluice.orchestrator.TestDatabase.PASSWORD);
    env.put("SLUICE_HTTP_PORT", Integer.toString(httpPort));
    env.put("SLUICE_CLUSTER_PORT", "0");
    env.put("SLUICE_ADMIN_KEY", adminKey);
    env.put("SLUICE_BOOTSTRAP_CREATE_FIRST_KEY", "false");
    env.put("SLUICE_EMAIL_SPOOL_DIR", data.resolve("spool").toString());
    env.put("SLUICE_EMAIL_OUTBOX_DIR", data.resolve("outbox").toString());
    return env;
  }

  private void printThreads() throws InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process dump = new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      dump.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException e) {
      // Only a diagnosis is lost: the service is stopped all the same.
    }
  }

  /** A port free at the moment of asking. */
  public static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public Path log() {
    return log;
  }

  /** The exit code once the process has ended on its own within {@code timeout}; empty while it still runs. */
  public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
  }

  /** {@code kill -9}: the process gets no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops the service; a service still running first has its threads printed to its log, for a failure's diagnosis. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      printThreads();
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
