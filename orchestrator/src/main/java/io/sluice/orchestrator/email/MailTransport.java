package io.sluice.orchestrator.email;

import io.sluice.config.EmailSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a composed message goes: an SMTP relay or a folder of {@code .eml} files. Both block; callers run them on the
 * email dispatcher only.
 */
interface MailTransport {

  /** The session messages are read into before {@link #deliver}: the SMTP transport sends with the message's own. */
  Session session();

  /**
   * Delivers {@code message}; {@code name} identifies it (file-name safe).
   *
   * @return where it went when that is a place on this machine (the outbox file), else null
   */
  String deliver(MimeMessage message, String name) throws MessagingException, IOException;

  static MailTransport from(EmailSettings settings) {
    return switch (settings.transport()) {
      case SMTP -> new SmtpTransport(settings.smtp());
      case OUTBOX -> new OutboxFolderTransport(Path.of(settings.outboxDir()));
    };
  }
}
