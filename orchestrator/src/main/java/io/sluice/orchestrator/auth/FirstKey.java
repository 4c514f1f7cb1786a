package io.sluice.orchestrator.auth;

import io.sluice.config.ApiKeySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start on an empty database: with {@code sluice.bootstrap.create-first-key} on and no workspace yet,
 * creates workspace {@value #WORKSPACE_NAME} with one key, prints the key once in a banner on stdout (never to the log)
 * and writes it to {@code sluice.bootstrap.first-key-file}, readable by the owner only, for scripts. Any later start
 * finds the workspace and does nothing. Production turns the setting off and issues keys through the admin API.
 */
final class FirstKey {
  static final String WORKSPACE_NAME = "default";
  private static final Logger log = LoggerFactory.getLogger(FirstKey.class);

  private final WorkspaceAdmin admin;
  private final ApiKeySettings settings;
  private final PrintStream out;
  private final Executor blockingIo;

  /**
   * @param out where the banner goes (stdout in the service)
   * @param blockingIo where the key file is written, off the JDBC and default dispatchers
   */
  FirstKey(WorkspaceAdmin admin, ApiKeySettings settings, PrintStream out, Executor blockingIo) {
    this.admin = admin;
    this.settings = settings;
    this.out = out;
    this.blockingIo = blockingIo;
  }

  CompletionStage<Optional<IssuedKey>> ensure() {
    if (!settings.createFirstKey()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return admin.createFirst(WORKSPACE_NAME).thenApplyAsync(created -> {
      created.ifPresent(this::announce);
      return created;
    }, blockingIo);
  }

  private void announce(IssuedKey issued) {
    Path file = settings.firstKeyFile().toAbsolutePath().normalize();
    String where;
    try {
      writeOwnerOnly(file, issued.key() + System.lineSeparator());
      log.info("first API key written to {}: key={} workspace={}", file, issued.keyId(), issued.workspaceId());
      where = "Also written to " + file + " (readable by its owner only).";
    } catch (IOException | RuntimeException e) {
      // The banner still shows the key: losing the file must not lose the only copy.
      log.warn("could not write the first API key to {}: {}", file, e.toString());
      where = "It could NOT be written to " + file + ": store it now.";
    }
    String rule = "=".repeat(78);
    out.println(rule);
    out.println(" Sluice created workspace '" + WORKSPACE_NAME + "' and its first API key. It is shown only once:");
    out.println();
    out.println("   " + issued.key());
    out.println();
    out.println(" " + where);
    out.println(" Its id, to revoke it with the admin API: " + issued.keyId());
    out.println(" Send it as 'Authorization: Bearer <key>' on /v1 requests. In production set");
    out.println(" sluice.bootstrap.create-first-key = false and issue keys with the admin API.");
    out.println(rule);
    out.flush();
  }

  /** Writes a temporary file created owner-only, then moves it into place, so the key is never readable by others. */
  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Path directory = file.getParent();
    Files.createDirectories(directory);
    FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path temporary = Files.createTempFile(directory, ".first-api-key", ".tmp", ownerOnly);
    try {
      Files.writeString(temporary, content);
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
