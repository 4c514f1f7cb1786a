import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Aggregates a recording of one {@code PermitBenchmarkRunner} SELECT 1 run (one concurrency per JVM: the facade's phase,
 * then bare HikariCP's) into per-operation figures for each phase's measured window: CPU samples by thread role, by
 * round-trip stage and mechanism, top self and total frames; allocation by class, site and role; parks and monitor
 * waits by role and site; per-thread CPU load, context switches and GC. Reads JFR recordings made by the JDK and by
 * async-profiler ({@code jfr} output, whose samples carry kernel frames).
 *
 * <pre>
 *   java bench/profile/RoundTripProfile.java RECORDING.jfr RUNNER-OUTPUT.txt [--top N]
 * </pre>
 *
 * The runner's output gives the ops/s of each side (ops in the window = ops/s × measured seconds) and the warm-up and
 * measured seconds. A phase starts when its first worker thread starts (JDBC dispatcher thread for Sluice, a
 * {@code pool-N-thread-M} thread for bare HikariCP); its window is [start + warm-up, start + warm-up + seconds].
 */
public final class RoundTripProfile {

  // ---------------------------------------------------------------------------------------------------------------
  // classification

  /** Thread name → role. */
  static String role(String name) {
    if (name == null) return "other";
    if (name.contains("jdbc-dispatcher")) return "jdbc dispatcher (sluice.jdbc-dispatcher)";
    if (name.contains("akka.actor.default-dispatcher")) return "akka default dispatcher (supervisor + replies actor)";
    if (name.contains("akka.actor.internal-dispatcher")) return "akka internal dispatcher";
    if (name.contains("-scheduler-")) return "akka scheduler";
    if (name.startsWith("CompletableFutureDelay")) return "CompletableFuture delayer (orTimeout)";
    if (name.matches("pool-\\d+-thread-\\d+")) return "bare requester threads";
    if (name.contains("housekeeper") || name.contains("connection adder") || name.contains("connection closer")
        || name.startsWith("PostgreSQL-JDBC")) return "HikariCP / pgjdbc background";
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")
        || name.startsWith("VM Periodic")) return "GC + VM";
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) return "JIT";
    if (name.startsWith("JFR") || name.contains("Async-profiler") || name.equals("Attach Listener")) return "profiler";
    return "other";
  }

  record Rule(Pattern pattern, String label) {}

  static Rule rule(String regex, String label) {
    return new Rule(Pattern.compile(regex), label);
  }

  /**
   * Round-trip stages, matched on every frame from the root to the leaf: the deepest frame that matches decides (so
   * the next withConnection called from inside a completion belongs to withConnection, not to the completion).
   */
  static final List<Rule> STAGES = List.of(
      rule("^io\\.sluice\\.orchestrator\\.pool\\.PoolSupervisor\\.onAcquire", "supervisor: Acquire → grant → tell Granted"),
      rule("^io\\.sluice\\.orchestrator\\.pool\\.PoolSupervisor\\.onRelease", "supervisor: Release → retire, record"),
      rule("^io\\.sluice\\.orchestrator\\.pool\\.PoolSupervisor\\.on", "supervisor: other messages/timers"),
      rule("^io\\.sluice\\.orchestrator\\.database\\.Database\\.onReply", "replies actor: complete answer → jdbc execute"),
      rule("^io\\.sluice\\.orchestrator\\.database\\.Database\\.withConnection", "facade: withConnection (Acquire, orTimeout)"),
      rule("^io\\.sluice\\.orchestrator\\.database\\.Database\\.runUnderLease", "jdbc: runUnderLease (Release tell, complete)"),
      rule("^io\\.sluice\\.bench\\.PermitBenchmarkRunner\\.lambda\\$bareThroughput", "bare: loop"),
      rule("^io\\.sluice\\.persistence\\.HikariGovernedPool\\.connectionFor", "Hikari borrow (getConnection)"),
      rule("^com\\.zaxxer\\.hikari\\.HikariDataSource\\.getConnection", "Hikari borrow (getConnection)"),
      rule("^org\\.postgresql\\.jdbc\\.PgConnection\\.setAutoCommit", "setAutoCommit(false)"),
      rule("^io\\.sluice\\.bench\\.PermitBenchmarkRunner\\.lambda\\$static\\$", "work: SELECT 1"),
      rule("^org\\.postgresql\\.jdbc\\.PgConnection\\.commit", "commit"),
      rule("^io\\.sluice\\.persistence\\.HikariGovernedPool\\.giveBack", "Hikari return (close)"),
      rule("^com\\.zaxxer\\.hikari\\.pool\\.ProxyConnection\\.close", "Hikari return (close)"),
      rule("^java\\.util\\.concurrent\\.ThreadPoolExecutor\\.getTask", "jdbc thread: wait for the next task (getTask)"),
      rule("^java\\.util\\.concurrent\\.ForkJoinPool\\.(awaitWork|scan)", "akka thread: look for / wait for work (FJP scan, awaitWork)"),
      rule("^akka\\.dispatch\\.Mailbox\\.run", "akka: mailbox run outside actor code (typed adapter, interceptors)"),
      rule("^java\\.util\\.concurrent\\.ScheduledThreadPoolExecutor\\$DelayedWorkQueue\\.take", "delayer thread: wait for the next timeout"),
      rule("^io\\.sluice\\.bench\\.PermitBenchmarkRunner\\.lambda\\$selectLoop", "bench: loop continuation"));

  /** Mechanisms, matched from the leaf upwards: the innermost frame that matches decides. */
  static final List<Rule> MECHANISMS = List.of(
      rule("^(jdk\\.internal\\.misc\\.Unsafe|sun\\.misc\\.Unsafe)\\.park|^java\\.util\\.concurrent\\.locks\\.LockSupport\\.park", "park (block)"),
      rule("^(jdk\\.internal\\.misc\\.Unsafe|sun\\.misc\\.Unsafe)\\.unpark|^java\\.util\\.concurrent\\.locks\\.LockSupport\\.unpark", "unpark (wake a thread)"),
      rule("^java\\.lang\\.Thread\\.(yield|onSpinWait)", "yield/spin"),
      rule("^kamon\\.", "Kamon instruments"),
      rule("^org\\.HdrHistogram\\.", "HdrHistogram"),
      rule("^java\\.util\\.concurrent\\.(CompletableFuture\\$(Delayer|Timeout|Canceller)|ScheduledThreadPoolExecutor)|^java\\.util\\.concurrent\\.CompletableFuture\\.orTimeout", "orTimeout timer (schedule/cancel)"),
      rule("^akka\\.actor\\.(LightArrayRevolverScheduler|typed\\.internal\\.TimerSchedulerImpl)", "Akka timers"),
      rule("^org\\.postgresql\\.", "pgjdbc (protocol, socket)"),
      rule("^sun\\.nio\\.ch\\.|^java\\.net\\.", "socket I/O (JDK)"),
      rule("^com\\.zaxxer\\.hikari\\.", "HikariCP"),
      rule("^io\\.sluice\\.persistence\\.", "governed pool (lease slots)"),
      rule("^akka\\.dispatch\\.(MessageDispatcher\\.(execute|addInhabitants|\\$anonfun\\$taskCleanup)|TaskInvocation)|^akka\\.dispatch\\.Dispatcher\\.executeTask", "Akka Dispatcher.execute (task wrapper, inhabitants)"),
      rule("^java\\.util\\.concurrent\\.(ThreadPoolExecutor|LinkedBlockingQueue)", "ThreadPoolExecutor queue"),
      rule("^akka\\.actor\\.typed\\.internal\\.adapter\\.ActorRefAdapter\\.tell|^akka\\.actor\\.(LocalActorRef|RepointableActorRef)\\.\\$bang|^akka\\.actor\\.dungeon\\.Dispatch\\.sendMessage|^akka\\.dispatch\\.(Dispatcher\\.(dispatch|registerForExecution)|Mailbox\\.enqueue|UnboundedMailbox|AbstractNodeQueue)", "Akka tell (enqueue, schedule mailbox)"),
      rule("^io\\.sluice\\.orchestrator\\.pool\\.", "PoolSupervisor code"),
      rule("^io\\.sluice\\.orchestrator\\.database\\.", "Database facade code"),
      rule("^io\\.sluice\\.protocols\\.", "protocol records"),
      rule("^java\\.util\\.concurrent\\.CompletableFuture", "CompletableFuture plumbing"),
      rule("^java\\.util\\.concurrent\\.ConcurrentHashMap", "ConcurrentHashMap"),
      rule("^io\\.sluice\\.bench\\.", "bench loop"),
      rule("^java\\.util\\.concurrent\\.ForkJoin", "ForkJoinPool (scan, signal)"),
      rule("^akka\\.", "Akka actor invoke (mailbox run, typed adapter)"),
      rule("^java\\.util\\.(HashMap|EnumSet|RegularEnumSet|EnumMap)", "java.util collections"));

  static final Pattern LAMBDA = Pattern.compile("\\$\\$Lambda\\$\\d+(/0x[0-9a-f]+|\\.0x[0-9a-f]+)?");

  static String frameName(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    String method = frame.getMethod().getName();
    if (type == null || type.isEmpty()) {
      return method;
    }
    return LAMBDA.matcher(type).replaceAll("\\$\\$Lambda") + "." + method;
  }

  static boolean isKernel(RecordedFrame frame) {
    String type = frame.getType();
    String name = frame.getMethod().getName();
    return "Kernel".equals(type) || name.endsWith("_[k]") || name.endsWith("(k)");
  }

  /** Threads that carry the round trip (the rest is JIT, GC, the VM and the profiler). */
  static boolean onPath(String role) {
    return !(role.equals("JIT") || role.equals("GC + VM") || role.equals("profiler") || role.equals("other"));
  }

  static String kernelKind(List<String> kernelFrames) {
    String all = String.join(" ", kernelFrames);
    if (all.contains("futex_wake")) return "futex wake (unpark)";
    if (all.contains("futex_wait")) return "futex wait (park)";
    if (all.contains("sys_futex")) return "futex other";
    if (all.contains("sys_poll") || all.contains("sys_epoll") || all.contains("sys_ppoll")) return "poll (socket wait)";
    if (all.contains("sock_write_iter") || all.contains("sys_sendto") || all.contains("tcp_sendmsg")) return "socket send (incl. loopback delivery)";
    if (all.contains("sock_read_iter") || all.contains("sys_recvfrom") || all.contains("tcp_recvmsg")) return "socket recv";
    if (all.contains("sched_yield")) return "sched_yield";
    if (all.contains("page_fault")) return "page fault";
    if (all.contains("reschedule_ipi") || all.contains("irqentry_exit") || all.contains("apic_timer")) return "preemption/IRQ";
    if (all.contains("exit_to_user_mode_loop") && all.contains("schedule")) {
      return "preempted at syscall exit (mostly by the thread or backend it just woke)";
    }
    return "kernel other";
  }

  // ---------------------------------------------------------------------------------------------------------------
  // aggregation helpers

  static final class Counter<K> {
    final Map<K, double[]> values = new HashMap<>();

    void add(K key, double v) {
      values.computeIfAbsent(key, k -> new double[2])[0] += v;
      values.get(key)[1] += 1;
    }

    double total() {
      return values.values().stream().mapToDouble(a -> a[0]).sum();
    }

    List<Map.Entry<K, double[]>> top(int n) {
      return values.entrySet().stream().sorted(Comparator.comparingDouble((Map.Entry<K, double[]> e) -> -e.getValue()[0]))
          .limit(n).toList();
    }
  }

  static final class Phase {
    final String name;
    Instant start;
    Instant windowStart;
    Instant windowEnd;
    double ops;
    // cpu samples
    final Counter<String> sampleRoles = new Counter<>();
    final Counter<String> stageMech = new Counter<>();
    final Counter<String> stages = new Counter<>();
    final Counter<String> mechs = new Counter<>();
    final Counter<String> kernelByStage = new Counter<>();
    final Counter<String> kernelKinds = new Counter<>();
    final Counter<String> selfFrames = new Counter<>();
    final Counter<String> totalFrames = new Counter<>();
    final Counter<String> nativeSamples = new Counter<>();
    double samples;
    double pathSamples;
    final Counter<String> offPath = new Counter<>();
    // allocation
    final Counter<String> allocClass = new Counter<>();
    final Counter<String> allocSite = new Counter<>();
    final Counter<String> allocRole = new Counter<>();
    double allocSampled;
    final Map<Long, double[]> threadAllocFirst = new HashMap<>();
    final Map<Long, double[]> threadAllocLast = new HashMap<>();
    final Map<Long, String> threadNames = new HashMap<>();
    // parks
    final Counter<String> parkRole = new Counter<>();
    final Counter<String> parkSite = new Counter<>();
    final Counter<String> monitorRole = new Counter<>();
    // load
    final Counter<String> cpuUser = new Counter<>();
    final Counter<String> cpuSystem = new Counter<>();
    final Counter<String> machine = new Counter<>();
    final Counter<String> gc = new Counter<>();

    Phase(String name) {
      this.name = name;
    }

    boolean in(Instant t) {
      return windowStart != null && !t.isBefore(windowStart) && t.isBefore(windowEnd);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  public static void main(String[] args) throws IOException {
    Path recording = Path.of(args[0]);
    String runnerOutput = Files.readString(Path.of(args[1]));
    int top = 25;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--top")) top = Integer.parseInt(args[++i]);
    }
    Matcher header = Pattern.compile("(\\d+) s measured after (\\d+) s warm-up").matcher(runnerOutput);
    if (!header.find()) throw new IllegalArgumentException("no SELECT 1 header in " + args[1]);
    long seconds = Long.parseLong(header.group(1));
    long warmup = Long.parseLong(header.group(2));
    Matcher result = Pattern.compile("concurrency\\s+(\\d+): Sluice permits\\s+(\\d+) ops/s \\| bare HikariCP\\s+(\\d+) ops/s")
        .matcher(runnerOutput);
    if (!result.find()) throw new IllegalArgumentException("no SELECT 1 result in " + args[1]);
    Phase governed = new Phase("Sluice facade (concurrency " + result.group(1) + ")");
    Phase bare = new Phase("bare HikariCP (concurrency " + result.group(1) + ")");
    governed.ops = Double.parseDouble(result.group(2)) * seconds;
    bare.ops = Double.parseDouble(result.group(3)) * seconds;

    // pass 1: when each phase's first worker appears
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        RecordedThread thread = eventThread(event);
        String name = threadName(thread);
        if (name == null) continue;
        Instant t = event.getStartTime();
        if (name.contains("jdbc-dispatcher") && (governed.start == null || t.isBefore(governed.start))) governed.start = t;
        if (name.matches("pool-\\d+-thread-\\d+") && (bare.start == null || t.isBefore(bare.start))) bare.start = t;
      }
    }
    for (Phase phase : List.of(governed, bare)) {
      if (phase.start == null) throw new IllegalStateException("no thread of phase " + phase.name);
      phase.windowStart = phase.start.plusSeconds(warmup);
      phase.windowEnd = phase.windowStart.plusSeconds(seconds);
    }

    double interval = samplingIntervalMillis(recording);
    // pass 2
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        Instant t = event.getStartTime();
        Phase phase = governed.in(t) ? governed : bare.in(t) ? bare : null;
        if (phase == null) {
          if (type.equals("jdk.ThreadAllocationStatistics")) {
            // keep the last value before each window, and the first after it, for interpolation
            for (Phase p : List.of(governed, bare)) {
              recordThreadAlloc(p, event);
            }
          }
          continue;
        }
        switch (type) {
          case "jdk.ExecutionSample" -> cpuSample(phase, event);
          case "jdk.NativeMethodSample" -> {
            String name = threadName(event.getThread("sampledThread"));
            RecordedStackTrace stack = event.getStackTrace();
            String leaf = stack == null || stack.getFrames().isEmpty() ? "?" : frameName(stack.getFrames().get(0));
            phase.nativeSamples.add(role(name) + " | " + stageOf(stack) + " | " + leaf, 1);
          }
          case "jdk.ObjectAllocationSample" -> alloc(phase, event, event.getLong("weight"));
          case "jdk.ObjectAllocationInNewTLAB" -> alloc(phase, event, event.getLong("tlabSize"));
          case "jdk.ObjectAllocationOutsideTLAB" -> alloc(phase, event, event.getLong("allocationSize"));
          case "jdk.ThreadAllocationStatistics" -> {
            for (Phase p : List.of(governed, bare)) recordThreadAlloc(p, event);
          }
          case "jdk.ThreadPark" -> park(phase, event, event.getDuration().toNanos());
          case "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter" -> {
            String name = threadName(event.getThread());
            phase.monitorRole.add(type.substring(4) + " | " + role(name) + " | " + siteOf(event.getStackTrace(), 0),
                event.getDuration().toNanos());
          }
          case "jdk.ThreadCPULoad" -> {
            String name = threadName(event.getThread());
            phase.cpuUser.add(role(name), event.getFloat("user"));
            phase.cpuSystem.add(role(name), event.getFloat("system"));
          }
          case "jdk.CPULoad" -> {
            phase.machine.add("jvmUser", event.getFloat("jvmUser"));
            phase.machine.add("jvmSystem", event.getFloat("jvmSystem"));
            phase.machine.add("machineTotal", event.getFloat("machineTotal"));
          }
          case "jdk.ThreadContextSwitchRate" -> phase.machine.add("switchRate", event.getFloat("switchRate"));
          case "jdk.GarbageCollection" -> {
            phase.gc.add("collections", 1);
            phase.gc.add("sumOfPauses ms", event.getDuration("sumOfPauses").toNanos() / 1e6);
          }
          case "jdk.GCCPUTime" -> {
            phase.gc.add("gc user ms", event.getLong("userTime") / 1e6);
            phase.gc.add("gc system ms", event.getLong("systemTime") / 1e6);
          }
          default -> {}
        }
      }
    }
    System.out.printf(Locale.ROOT, "recording %s; sampling interval %.1f ms (async-profiler cpu samples are CPU time; JFR"
        + " execution samples are threads seen running Java code)%n", recording.getFileName(), interval);
    for (Phase phase : List.of(governed, bare)) {
      report(phase, top, interval);
    }
  }

  /**
   * The CPU sampling interval: JFR's "period" setting of jdk.ExecutionSample, or async-profiler's "interval" (ns).
   */
  static double samplingIntervalMillis(Path recording) throws IOException {
    double interval = Double.NaN;
    try (RecordingFile file = new RecordingFile(recording)) {
      long executionSample = file.readEventTypes().stream()
          .filter(t -> t.getName().equals("jdk.ExecutionSample")).mapToLong(jdk.jfr.EventType::getId).findFirst()
          .orElse(-1);
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!event.getEventType().getName().equals("jdk.ActiveSetting")) continue;
        String name = event.getString("name");
        boolean jfrPeriod = "period".equals(name) && event.getLong("id") == executionSample;
        if (!jfrPeriod && !"interval".equals(name)) continue;
        Matcher m = Pattern.compile("(\\d+)\\s*(ns|us|ms|s)?").matcher(event.getString("value"));
        if (m.find()) {
          double v = Double.parseDouble(m.group(1));
          String unit = m.group(2) == null ? "ns" : m.group(2);
          interval = switch (unit) { case "ns" -> v / 1e6; case "us" -> v / 1e3; case "s" -> v * 1e3; default -> v; };
        }
      }
    }
    return interval;
  }

  static RecordedThread eventThread(RecordedEvent event) {
    if (event.hasField("sampledThread")) return event.getThread("sampledThread");
    if (event.hasField("thread") && event.getEventType().getName().equals("jdk.ThreadStart")) {
      return event.getThread("thread");
    }
    return event.getThread();
  }

  static String threadName(RecordedThread thread) {
    if (thread == null) return null;
    return thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
  }

  static String stageOf(RecordedStackTrace stack) {
    if (stack == null) return "(no stack)";
    List<RecordedFrame> frames = stack.getFrames();
    for (int i = 0; i < frames.size(); i++) {        // leaf first: the deepest match wins
      String name = frameName(frames.get(i));
      for (Rule rule : STAGES) {
        if (rule.pattern.matcher(name).find()) return rule.label;
      }
    }
    return "(other)";
  }

  static void cpuSample(Phase phase, RecordedEvent event) {
    String role = role(threadName(event.getThread("sampledThread")));
    RecordedStackTrace stack = event.getStackTrace();
    phase.samples++;
    phase.sampleRoles.add(role, 1);
    if (stack == null) return;
    List<RecordedFrame> frames = stack.getFrames();
    List<String> kernel = new ArrayList<>();
    String mechanism = null;
    String leafJava = null;
    Set<String> seen = new HashSet<>();
    for (RecordedFrame frame : frames) {
      String name = frameName(frame);
      if (isKernel(frame)) {
        kernel.add(name);
        continue;
      }
      if (leafJava == null) leafJava = name;
      if (mechanism == null) {
        for (Rule rule : MECHANISMS) {
          if (rule.pattern.matcher(name).find()) {
            mechanism = rule.label;
            break;
          }
        }
      }
      if (name.startsWith("io.sluice") || name.startsWith("akka.") || name.startsWith("java.util.concurrent")
          || name.startsWith("com.zaxxer") || name.startsWith("org.postgresql") || name.startsWith("kamon")
          || name.startsWith("org.HdrHistogram")) {
        if (seen.add(name)) phase.totalFrames.add(name, 1);
      }
    }
    String stage = stageOf(stack);
    if (!onPath(role)) {
      phase.offPath.add(role, 1);
      return;
    }
    phase.pathSamples++;
    if (mechanism == null) mechanism = leafJava == null ? "(kernel/native only)" : "other: " + leafJava;
    String self = frames.isEmpty() ? "?" : frameName(frames.get(0));
    phase.selfFrames.add(self, 1);
    phase.stages.add(stage, 1);
    phase.mechs.add(mechanism, 1);
    phase.stageMech.add(stage + " ‖ " + mechanism, 1);
    if (!kernel.isEmpty()) {
      phase.kernelByStage.add(stage, 1);
      phase.kernelKinds.add(kernelKind(kernel), 1);
    }
  }

  /** The first frame of interest below the JDK's own frames, with its caller. */
  static String siteOf(RecordedStackTrace stack, int skip) {
    if (stack == null) return "(no stack)";
    List<RecordedFrame> frames = stack.getFrames();
    for (int i = skip; i < frames.size(); i++) {
      String name = frameName(frames.get(i));
      if (isKernel(frames.get(i))) continue;
      if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("scala.")) {
        continue;
      }
      String jdk = i > 0 ? frameName(frames.get(i - 1)) : "";
      return name + (jdk.isEmpty() || jdk.equals(name) ? "" : " → " + jdk);
    }
    return frames.isEmpty() ? "?" : frameName(frames.get(0));
  }

  static void alloc(Phase phase, RecordedEvent event, long weight) {
    String cls = event.getClass("objectClass").getName();
    String role = role(threadName(event.getThread()));
    phase.allocSampled += weight;
    phase.allocClass.add(cls, weight);
    phase.allocSite.add(cls + " @ " + siteOf(event.getStackTrace(), 0), weight);
    phase.allocRole.add(role, weight);
  }

  static void park(Phase phase, RecordedEvent event, long nanos) {
    String role = role(threadName(event.getThread()));
    phase.parkRole.add(role, nanos);
    String site = "?";
    RecordedStackTrace stack = event.getStackTrace();
    if (stack != null) {
      List<RecordedFrame> frames = stack.getFrames();
      for (int i = 0; i < frames.size(); i++) {
        String name = frameName(frames.get(i));
        if (name.contains("LockSupport.park") || name.contains("Unsafe.park")) continue;
        site = name + (i + 1 < frames.size() ? " ← " + frameName(frames.get(i + 1)) : "");
        break;
      }
    }
    phase.parkSite.add(role + " | " + site, nanos);
  }

  static void recordThreadAlloc(Phase phase, RecordedEvent event) {
    RecordedThread thread = event.getThread("thread");
    if (thread == null) return;
    long id = thread.getId();
    double bytes = event.getLong("allocated");
    double t = event.getStartTime().toEpochMilli();
    phase.threadNames.put(id, threadName(thread));
    double ws = phase.windowStart.toEpochMilli();
    double we = phase.windowEnd.toEpochMilli();
    // last before (or at) the window start, and last up to the window end: an exact total per thread, give or take
    // the one-second period at both edges
    if (t <= ws) {
      phase.threadAllocFirst.put(id, new double[] {t, bytes});
    }
    if (t <= we + 1000) {
      phase.threadAllocLast.put(id, new double[] {t, bytes});
    }
    if (t > ws && !phase.threadAllocFirst.containsKey(id)) {
      phase.threadAllocFirst.put(id, new double[] {t, 0});  // thread started inside the window
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // report

  static void report(Phase p, int top, double interval) {
    System.out.printf(Locale.ROOT, "%n==================================================================================%n");
    System.out.printf(Locale.ROOT, "%s: window %s .. %s, %.0f ops in the window%n", p.name, p.windowStart, p.windowEnd,
        p.ops);
    if (p.samples > 0) {
      System.out.printf(Locale.ROOT, "%n-- CPU samples: %.0f in the window (%.1f per 1,000 ops; × %.1f ms = %.1f µs/op if"
          + " samples are CPU time)%n", p.samples, p.samples * 1000 / p.ops, interval, p.samples * interval * 1000 / p.ops);
      table("thread role", p.sampleRoles, p.samples, p.ops, interval, top);
      System.out.printf(Locale.ROOT, "%n   The tables below count only the request path's threads: %.0f samples, %.1f µs/op%n",
          p.pathSamples, p.pathSamples * interval * 1000 / p.ops);
      double samples = p.pathSamples;
      table("round-trip stage (deepest matching frame)", p.stages, samples, p.ops, interval, top);
      table("mechanism (innermost matching frame)", p.mechs, samples, p.ops, interval, top);
      table("stage ‖ mechanism", p.stageMech, samples, p.ops, interval, top * 2);
      if (p.kernelByStage.total() > 0) {
        System.out.printf(Locale.ROOT, "%n   samples with kernel frames: %.1f %% of all%n", 100 * p.kernelByStage.total() / samples);
        table("kernel: by syscall/kind", p.kernelKinds, samples, p.ops, interval, top);
        table("kernel: by stage", p.kernelByStage, samples, p.ops, interval, top);
      }
      table("self (leaf frame)", p.selfFrames, samples, p.ops, interval, top);
      table("total (inclusive), Sluice/Akka/j.u.c/Hikari/pgjdbc/Kamon frames", p.totalFrames, samples, p.ops, interval, top * 2);
    }
    if (p.nativeSamples.total() > 0) {
      table("JFR native-method samples (threads blocked in native code): role | stage | leaf", p.nativeSamples,
          p.nativeSamples.total(), p.ops, Double.NaN, top);
    }
    if (p.allocSampled > 0) {
      System.out.printf(Locale.ROOT, "%n-- allocation (sampled, weighted): %.0f B/op estimated%n", p.allocSampled / p.ops);
      bytes("by thread role", p.allocRole, p.allocSampled, p.ops, top);
      bytes("by class", p.allocClass, p.allocSampled, p.ops, top);
      bytes("by class @ site (first non-JDK frame → the JDK frame it called)", p.allocSite, p.allocSampled, p.ops, top * 2);
    }
    if (!p.threadAllocLast.isEmpty()) {
      Counter<String> exact = new Counter<>();
      for (Map.Entry<Long, double[]> last : p.threadAllocLast.entrySet()) {
        double[] first = p.threadAllocFirst.get(last.getKey());
        if (first == null || last.getValue()[0] <= first[0]) continue;
        double ws = p.windowStart.toEpochMilli();
        double we = p.windowEnd.toEpochMilli();
        double rate = (last.getValue()[1] - first[1]) / (last.getValue()[0] - first[0]);
        double covered = Math.min(we, last.getValue()[0]) - Math.max(ws, first[0]);
        if (covered <= 0) continue;
        exact.add(role(p.threadNames.get(last.getKey())), rate * covered);
      }
      System.out.printf(Locale.ROOT, "%n-- allocation, exact per thread (jdk.ThreadAllocationStatistics, rate × window):"
          + " %.0f B/op%n", exact.total() / p.ops);
      bytes("by thread role", exact, exact.total(), p.ops, top);
    }
    if (p.parkRole.total() > 0) {
      System.out.printf(Locale.ROOT, "%n-- parks (jdk.ThreadPark, every park): %.2f per op%n", p.parkRole.values.values()
          .stream().mapToDouble(a -> a[1]).sum() / p.ops);
      counts("by thread role: parks/op, mean µs", p.parkRole, p.ops, top);
      counts("by role | site (frame that parked ← its caller): parks/op, mean µs", p.parkSite, p.ops, top * 2);
    }
    if (p.monitorRole.total() > 0) {
      counts("monitor enter/wait | role | site: per op, mean µs", p.monitorRole, p.ops, top);
    }
    if (p.cpuUser.total() > 0) {
      System.out.printf(Locale.ROOT, "%n-- CPU load per thread role, mean over the window (share of the whole machine,"
          + " user + system)%n");
      Map<String, Double> combined = new LinkedHashMap<>();
      Set<String> roles = new HashSet<>(p.cpuUser.values.keySet());
      int periods = (int) Math.max(1, p.machine.values.getOrDefault("machineTotal", new double[] {0, 1})[1]);
      for (String r : roles) {
        combined.put(r, (p.cpuUser.values.get(r)[0] + p.cpuSystem.values.get(r)[0]) / periods);
      }
      combined.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder())).limit(top)
          .forEach(e -> System.out.printf(Locale.ROOT, "   %6.1f %%  (user %5.1f %%, system %5.1f %%)  %s%n",
              100 * e.getValue(), 100 * p.cpuUser.values.get(e.getKey())[0] / periods,
              100 * p.cpuSystem.values.get(e.getKey())[0] / periods, e.getKey()));
    }
    if (!p.machine.values.isEmpty()) {
      double n = Math.max(1, p.machine.values.getOrDefault("machineTotal", new double[] {0, 1})[1]);
      double jvm = (p.machine.values.getOrDefault("jvmUser", new double[1])[0]
          + p.machine.values.getOrDefault("jvmSystem", new double[1])[0]) / n;
      double machine = p.machine.values.getOrDefault("machineTotal", new double[1])[0] / n;
      System.out.printf(Locale.ROOT, "%n-- machine: total CPU %.1f %%, this JVM %.1f %% (user %.1f, system %.1f), rest"
              + " (PostgreSQL and others) %.1f %%%n", 100 * machine, 100 * jvm,
          100 * p.machine.values.getOrDefault("jvmUser", new double[1])[0] / n,
          100 * p.machine.values.getOrDefault("jvmSystem", new double[1])[0] / n, 100 * (machine - jvm));
      double[] rate = p.machine.values.get("switchRate");
      if (rate != null) {
        double perSecond = rate[0] / rate[1];
        System.out.printf(Locale.ROOT, "   context switches (whole machine): %.0f/s = %.1f per op%n", perSecond,
            perSecond * Duration.between(p.windowStart, p.windowEnd).toMillis() / 1000.0 / p.ops);
      }
    }
    if (!p.gc.values.isEmpty()) {
      System.out.printf(Locale.ROOT, "   GC in the window:");
      p.gc.values.forEach((k, v) -> System.out.printf(Locale.ROOT, " %s %.1f;", k, v[0]));
      System.out.println();
    }
  }

  static void table(String title, Counter<String> c, double samples, double ops, double interval, int top) {
    System.out.printf(Locale.ROOT, "%n   %s%n", title);
    for (Map.Entry<String, double[]> e : c.top(top)) {
      double v = e.getValue()[0];
      if (Double.isNaN(interval)) {
        System.out.printf(Locale.ROOT, "   %6.1f %%  %s%n", 100 * v / samples, e.getKey());
      } else {
        System.out.printf(Locale.ROOT, "   %6.1f %%  %7.2f µs/op  %s%n", 100 * v / samples, v * interval * 1000 / ops,
            e.getKey());
      }
    }
  }

  static void bytes(String title, Counter<String> c, double total, double ops, int top) {
    System.out.printf(Locale.ROOT, "%n   %s%n", title);
    for (Map.Entry<String, double[]> e : c.top(top)) {
      System.out.printf(Locale.ROOT, "   %6.1f %%  %8.1f B/op  %s%n", 100 * e.getValue()[0] / total, e.getValue()[0] / ops,
          e.getKey());
    }
  }

  static void counts(String title, Counter<String> c, double ops, int top) {
    System.out.printf(Locale.ROOT, "%n   %s%n", title);
    List<Map.Entry<String, double[]>> byCount = c.values.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[1])).limit(top).toList();
    for (Map.Entry<String, double[]> e : byCount) {
      System.out.printf(Locale.ROOT, "   %7.3f /op  %9.1f µs mean  %s%n", e.getValue()[1] / ops,
          e.getValue()[0] / e.getValue()[1] / 1000, e.getKey());
    }
  }

  private RoundTripProfile() {}
}
