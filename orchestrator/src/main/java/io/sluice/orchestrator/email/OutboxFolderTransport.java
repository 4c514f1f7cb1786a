package io.sluice.orchestrator.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The embedded default: each message becomes {@code <name>.eml} in a folder, readable by any mail client and by
 * {@code new MimeMessage(session, in)}. Written to a temporary file and moved into place, so a reader never sees half
 * a message; a repeated delivery of the same name replaces the file rather than adding a second one.
 */
final class OutboxFolderTransport implements MailTransport {
  private final Path folder;
  private final Session session = Session.getInstance(new Properties());

  OutboxFolderTransport(Path folder) {
    this.folder = folder;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public String deliver(MimeMessage message, String name) throws MessagingException, IOException {
    Files.createDirectories(folder);
    Path partial = Files.createTempFile(folder, name, ".partial");
    try {
      // saveChanges is what Transport.send does first: it fixes the Message-ID and the MIME headers.
      message.saveChanges();
      try (OutputStream out = Files.newOutputStream(partial)) {
        message.writeTo(out);
      }
      Path target = folder.resolve(name + ".eml");
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target.toString();
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
