package io.sluice.orchestrator.email;

import io.sluice.config.EmailSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Sends through an SMTP relay with Angus Mail, one connection per message (summaries are rare). Every network step
 * has a timeout, so a hanging relay costs an email-dispatcher thread for a bounded time; with STARTTLS on, a relay
 * that does not offer it fails the send instead of receiving the message in plain text. The password is only handed
 * to {@link Transport#send(jakarta.mail.Message, String, String)}, never put in the session's properties or logged.
 */
final class SmtpTransport implements MailTransport {
  private final EmailSettings.Smtp smtp;
  private final Session session;

  SmtpTransport(EmailSettings.Smtp smtp) {
    this.smtp = smtp;
    Properties properties = new Properties();
    properties.put("mail.transport.protocol", "smtp");
    properties.put("mail.smtp.host", smtp.host());
    properties.put("mail.smtp.port", String.valueOf(smtp.port()));
    properties.put("mail.smtp.auth", String.valueOf(!smtp.user().isBlank()));
    properties.put("mail.smtp.starttls.enable", String.valueOf(smtp.startTls()));
    properties.put("mail.smtp.starttls.required", String.valueOf(smtp.startTls()));
    properties.put("mail.smtp.connectiontimeout", String.valueOf(smtp.connectTimeout().toMillis()));
    properties.put("mail.smtp.timeout", String.valueOf(smtp.readTimeout().toMillis()));
    properties.put("mail.smtp.writetimeout", String.valueOf(smtp.writeTimeout().toMillis()));
    this.session = Session.getInstance(properties);
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public String deliver(MimeMessage message, String name) throws MessagingException {
    if (smtp.user().isBlank()) {
      Transport.send(message);
    } else {
      Transport.send(message, smtp.user(), smtp.password());
    }
    return null;
  }
}
