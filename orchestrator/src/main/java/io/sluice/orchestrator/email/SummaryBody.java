package io.sluice.orchestrator.email;

import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.HotLead;
import java.util.List;
import org.apache.commons.text.StringEscapeUtils;

/**
 * The summary email's text and HTML bodies. Every value that came from users or callers (campaign name, lead names,
 * classifications, summaries) is HTML-escaped in the HTML body; the text body shows them as they are.
 */
final class SummaryBody {
  private SummaryBody() {}

  static String subject(CampaignSummary summary) {
    // A header value: a line break in the campaign name must not start a header of its own.
    return "Campaign summary: " + summary.campaignName().replaceAll("[\\r\\n]+", " ");
  }

  static String text(CampaignSummary summary, List<HotLead> top, String attachmentName) {
    StringBuilder text = new StringBuilder()
        .append("Campaign \"").append(summary.campaignName()).append("\" has finished.\n\n")
        .append("Leads: ").append(summary.leads()).append('\n')
        .append("Answered: ").append(summary.answered()).append('\n')
        .append("Hot: ").append(summary.hot()).append('\n');
    for (CallOutcome outcome : CallOutcome.values()) {
      text.append("  ").append(outcome).append(": ").append(summary.perOutcome().getOrDefault(outcome, 0L))
          .append('\n');
    }
    text.append("\nTop hot leads:\n");
    if (top.isEmpty()) {
      text.append("  (none)\n");
    }
    for (HotLead lead : top) {
      text.append("  ").append(lead.score()).append("  ").append(lead.name()).append("  ").append(lead.phone());
      if (lead.classification() != null) {
        text.append("  [").append(lead.classification()).append(']');
      }
      text.append('\n');
    }
    return text.append("\nAll hot leads are in the attachment ").append(attachmentName).append(".\n").toString();
  }

  static String html(CampaignSummary summary, List<HotLead> top, String attachmentName) {
    StringBuilder html = new StringBuilder()
        .append("<!DOCTYPE html><html><body>")
        .append("<h1>Campaign ").append(escape(summary.campaignName())).append(" has finished</h1>")
        .append("<table><tr><th>Leads</th><td>").append(summary.leads()).append("</td></tr>")
        .append("<tr><th>Answered</th><td>").append(summary.answered()).append("</td></tr>")
        .append("<tr><th>Hot</th><td>").append(summary.hot()).append("</td></tr>");
    for (CallOutcome outcome : CallOutcome.values()) {
      html.append("<tr><th>").append(outcome).append("</th><td>")
          .append(summary.perOutcome().getOrDefault(outcome, 0L)).append("</td></tr>");
    }
    html.append("</table><h2>Top hot leads</h2>")
        .append("<table><tr><th>Score</th><th>Name</th><th>Phone</th><th>Classification</th><th>Summary</th></tr>");
    for (HotLead lead : top) {
      html.append("<tr><td>").append(lead.score()).append("</td><td>").append(escape(lead.name()))
          .append("</td><td>").append(escape(lead.phone())).append("</td><td>").append(escape(lead.classification()))
          .append("</td><td>").append(escape(lead.summary())).append("</td></tr>");
    }
    return html.append("</table><p>All hot leads are in the attachment ").append(escape(attachmentName))
        .append(".</p></body></html>").toString();
  }

  private static String escape(String value) {
    return value == null ? "" : StringEscapeUtils.escapeHtml4(value);
  }
}
