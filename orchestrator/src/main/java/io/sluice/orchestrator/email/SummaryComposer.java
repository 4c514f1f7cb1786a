package io.sluice.orchestrator.email;

import akka.stream.ActorAttributes;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.sluice.protocols.campaign.HotLead;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Builds a campaign's summary message in one pass over its hot leads and spools it to disk as an {@code .eml} file:
 * {@code multipart/mixed} of a {@code multipart/alternative} (text and HTML, the top {@value #INLINE_LEADS} leads
 * inline) and a {@code text/csv} attachment with every hot lead. The leads stream straight into a temporary CSV file
 * ({@link HotLeadSpool}), which is streamed into the spooled message and then deleted; nothing holds all leads in
 * memory. The spooled message is what delivery sends, now or after a restart, without reading the leads again.
 *
 * <p>The stream runs behind an async boundary, so the caller's source keeps its own dispatcher (a JDBC source holds a
 * permit for as long as it runs, and should not wait for this side's threads), while the file writes run on the
 * email dispatcher.
 */
final class SummaryComposer {
  static final int INLINE_LEADS = 5;

  private final Path spoolDir;
  private final InternetAddress from;
  private final Materializer materializer;
  private final Executor emailExecutor;
  private final String emailDispatcher;
  private final Session session = Session.getInstance(new Properties());

  SummaryComposer(Path spoolDir, InternetAddress from, Materializer materializer, Executor emailExecutor,
      String emailDispatcher) {
    this.spoolDir = spoolDir;
    this.from = from;
    this.materializer = materializer;
    this.emailExecutor = emailExecutor;
    this.emailDispatcher = emailDispatcher;
  }

  /** The attachment's file name for a campaign. */
  static String attachmentName(String campaignId) {
    return "hot-leads-" + fileSafe(campaignId) + ".csv";
  }

  /** {@code value} with everything but letters, digits, dot, dash and underscore replaced, for file names. */
  static String fileSafe(String value) {
    return value.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Runs {@code hotLeads} once and answers the spooled message's path. */
  CompletionStage<Path> compose(CampaignSummary summary, InternetAddress to, Source<HotLead, ?> hotLeads) {
    return CompletableFuture.supplyAsync(this::openSpool, emailExecutor).thenCompose(spool ->
        hotLeads.async()
            .runWith(Sink.<HotLead>foreach(spool::add)
                .withAttributes(ActorAttributes.dispatcher(emailDispatcher)), materializer)
            .handleAsync((done, failure) -> {
              try {
                spool.close();
                if (failure != null) {
                  throw new SpoolException(failure);
                }
                return writeMessage(summary, to, spool);
              } catch (IOException | MessagingException e) {
                throw new SpoolException(e);
              } finally {
                deleteQuietly(spool);
              }
            }, emailExecutor));
  }

  private HotLeadSpool openSpool() {
    try {
      return HotLeadSpool.create(spoolDir, INLINE_LEADS);
    } catch (IOException e) {
      throw new SpoolException(e);
    }
  }

  private Path writeMessage(CampaignSummary summary, InternetAddress to, HotLeadSpool spool)
      throws MessagingException, IOException {
    String attachment = attachmentName(summary.campaignId());
    MimeBodyPart text = new MimeBodyPart();
    text.setText(SummaryBody.text(summary, spool.top(), attachment), "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(SummaryBody.html(summary, spool.top(), attachment), "UTF-8", "html");
    MimeMultipart alternative = new MimeMultipart("alternative", text, html);
    MimeBodyPart body = new MimeBodyPart();
    body.setContent(alternative);

    MimeBodyPart csv = new MimeBodyPart();
    // Base64: with a text encoding, line breaks inside quoted fields (a multi-line call summary) would be rewritten
    // as CRLF on the way; base64 delivers the CSV byte for byte.
    csv.attachFile(spool.file().toFile(), "text/csv; charset=UTF-8", "base64");
    csv.setFileName(attachment);

    MimeMessage message = new MimeMessage(session);
    message.setFrom(from);
    message.setRecipient(Message.RecipientType.TO, to);
    message.setSubject(SummaryBody.subject(summary), "UTF-8");
    message.setSentDate(new Date());
    message.setContent(new MimeMultipart("mixed", body, csv));
    message.saveChanges();

    Path eml = spoolDir.resolve(fileSafe(summary.campaignId()) + "-" + UUID.randomUUID() + ".eml");
    try (OutputStream out = Files.newOutputStream(eml)) {
      message.writeTo(out);
    } catch (IOException | MessagingException e) {
      Files.deleteIfExists(eml);
      throw e;
    }
    return eml;
  }

  private static void deleteQuietly(HotLeadSpool spool) {
    try {
      spool.delete();
    } catch (IOException e) {
      // A stray temporary file is harmless; the composed message (or the failure) is what matters.
    }
  }

  /** Composing failed: the leads stream failed, or the spool could not be written. */
  static final class SpoolException extends RuntimeException {
    SpoolException(Throwable cause) {
      super("could not compose the summary email: " + cause.getMessage(), cause);
    }
  }
}
