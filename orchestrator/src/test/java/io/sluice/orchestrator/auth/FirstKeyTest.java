package io.sluice.orchestrator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.config.ApiKeySettings;
import io.sluice.protocols.workspace.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The first start on an empty PostgreSQL database creates a key, shows it once and writes it; later starts do not. */
class FirstKeyTest {
  private static ActorTestKit testKit;
  private static PostgresServices services;
  private static ListAppender<ILoggingEvent> logs;

  @TempDir
  Path directory;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("FirstKeyTest");
    services = new PostgresServices(testKit, "sluice-test-first-key");
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    services.close();
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void emptyDatabase() throws Exception {
    PostgresServices.deleteWorkspaces();
  }

  /** What a start of the service does: a new instance over the same database. */
  private WorkspaceAccess startWith(boolean createFirstKey, Path keyFile) {
    return new WorkspaceAccess(testKit.system(), services.database,
        new ApiKeySettings("", Duration.ofSeconds(10), 100, createFirstKey, keyFile), Clock.systemUTC(),
        new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theFirstStartCreatesPrintsAndWritesOneKeyAndTheSecondStartNothing() throws Exception {
    Path keyFile = directory.resolve("data/first-api-key");
    WorkspaceAccess first = startWith(true, keyFile);
    IssuedKey issued = await(first.ensureFirstKey()).orElseThrow();

    List<Workspace> workspaces = await(first.admin().list());
    assertEquals(1, workspaces.size());
    assertEquals("default", workspaces.get(0).name());
    assertEquals(issued.workspaceId(), workspaces.get(0).id());
    assertEquals(Optional.of(issued.workspaceId()), await(first.verifier().verify(issued.key())));

    assertEquals(issued.key() + System.lineSeparator(), Files.readString(keyFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    String banner = stdout.toString(StandardCharsets.UTF_8);
    assertEquals(1, banner.split(issued.key(), -1).length - 1, "printed exactly once: " + banner);
    assertTrue(banner.contains("Also written to " + keyFile.toAbsolutePath()), banner);
    assertTrue(banner.contains("to revoke it with the admin API: " + issued.keyId()), banner);
    assertFalse(logs.list.stream().anyMatch(event -> event.getFormattedMessage().contains(issued.key())),
        "the key is printed, never logged");

    FileTime written = Files.getLastModifiedTime(keyFile);
    stdout.reset();
    WorkspaceAccess second = startWith(true, keyFile);
    assertEquals(Optional.empty(), await(second.ensureFirstKey()));
    assertEquals("", stdout.toString(StandardCharsets.UTF_8), "nothing printed");
    assertEquals(issued.key() + System.lineSeparator(), Files.readString(keyFile));
    assertEquals(written, Files.getLastModifiedTime(keyFile), "the file was not rewritten");
    assertEquals(workspaces, await(second.admin().list()), "nothing created");
  }

  @Test
  void aKeyFileLeftFromAnEarlierDatabaseIsReplacedOwnerOnly() throws Exception {
    Path keyFile = directory.resolve("first-api-key");
    Files.writeString(keyFile, "sk_stale");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setLastModifiedTime(keyFile, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    IssuedKey issued = await(startWith(true, keyFile).ensureFirstKey()).orElseThrow();
    assertEquals(issued.key() + System.lineSeparator(), Files.readString(keyFile));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    try (var left = Files.list(directory)) {
      assertEquals(List.of(keyFile), left.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void aKeyThatCannotBeWrittenIsStillShown() throws Exception {
    Path notADirectory = directory.resolve("occupied");
    Files.writeString(notADirectory, "a file where the key's directory should be");
    IssuedKey issued = await(startWith(true, notADirectory.resolve("first-api-key")).ensureFirstKey()).orElseThrow();
    String banner = stdout.toString(StandardCharsets.UTF_8);
    assertTrue(banner.contains(issued.key()), banner);
    assertTrue(banner.contains("could NOT be written"), banner);
  }

  @Test
  void switchedOffNothingIsCreatedEvenOnAnEmptyDatabase() throws Exception {
    Path keyFile = directory.resolve("first-api-key");
    WorkspaceAccess access = startWith(false, keyFile);
    assertEquals(Optional.empty(), await(access.ensureFirstKey()));
    assertEquals(List.of(), await(access.admin().list()));
    assertFalse(Files.exists(keyFile));
    assertEquals("", stdout.toString(StandardCharsets.UTF_8));
  }

  @Test
  void twoInstancesStartingTogetherCreateOneKey() throws Exception {
    var one = startWith(true, directory.resolve("one")).ensureFirstKey().toCompletableFuture();
    var other = startWith(true, directory.resolve("other")).ensureFirstKey().toCompletableFuture();
    assertEquals(1, (await(one).isPresent() ? 1 : 0) + (await(other).isPresent() ? 1 : 0));
    assertEquals(1, await(startWith(false, directory.resolve("unused")).admin().list()).size());
  }
}
