package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.orchestrator.webhook.OperationalEvents;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A completed campaign's hand-over, first as a {@code campaign.completed} webhook event, then to the summary outbox it
 * wraps. It rides on the hand-over's own guarantee: the campaign hands over again after a crash until the hand-over
 * completed, and the event's idempotency key ({@code campaign.completed:<campaign id>}) makes a repeat store nothing.
 */
public final class PublishedCompletions implements SummaryOutbox {
  public static final String EVENT_TYPE = "campaign.completed";

  private final OperationalEvents events;
  private final SummaryOutbox next;

  public PublishedCompletions(OperationalEvents events, SummaryOutbox next) {
    this.events = events;
    this.next = next;
  }

  @Override
  public CompletionStage<Done> handOver(CampaignView completed) {
    return events.publish(completed.terms().workspaceId(), EVENT_TYPE, payload(completed),
            EVENT_TYPE + ":" + completed.campaignId())
        .thenCompose(messageId -> next.handOver(completed));
  }

  static Map<String, Object> payload(CampaignView completed) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("campaignId", completed.campaignId());
    payload.put("name", completed.terms().name());
    payload.put("leadCount", completed.leadCount());
    payload.put("hotCount", completed.hotCount());
    Map<String, Long> outcomes = new LinkedHashMap<>();
    completed.outcomes().forEach((outcome, count) -> outcomes.put(outcome.name(), count));
    payload.put("outcomes", outcomes);
    payload.put("completedAt", String.valueOf(completed.completedAt()));
    return payload;
  }
}
