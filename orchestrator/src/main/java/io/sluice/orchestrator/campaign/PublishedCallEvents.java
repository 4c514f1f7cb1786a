package io.sluice.orchestrator.campaign;

import akka.Done;
import io.sluice.orchestrator.webhook.OperationalEvents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link CallEvents} as webhook events: {@code call.completed} for every settled attempt that placed a call, and
 * {@code lead.hot} for every one that made its lead hot. Keys: {@code call.completed:<campaign>:<lead>:<attempt>} and
 * {@code lead.hot:<campaign>:<lead>} (a lead turns hot once).
 */
public final class PublishedCallEvents implements CallEvents {
  public static final String CALL_COMPLETED = "call.completed";
  public static final String LEAD_HOT = "lead.hot";

  private final OperationalEvents events;

  public PublishedCallEvents(OperationalEvents events) {
    this.events = events;
  }

  @Override
  public CompletionStage<Done> settled(String workspaceId, String campaignId, List<Settlement> settlements) {
    List<CompletableFuture<String>> published = new ArrayList<>();
    for (Settlement settled : settlements) {
      if (settled.callId() == null) {
        continue;
      }
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("campaignId", campaignId);
      call.put("leadId", settled.leadId());
      call.put("attempt", settled.attempt());
      call.put("callId", settled.callId());
      call.put("outcome", settled.outcome().name());
      call.put("durationSeconds", settled.durationSeconds());
      call.put("score", settled.score());
      call.put("classification", settled.classification());
      call.put("final", settled.finalForLead());
      published.add(events.publish(workspaceId, CALL_COMPLETED, call,
          CALL_COMPLETED + ":" + campaignId + ":" + settled.leadId() + ":" + settled.attempt()).toCompletableFuture());
      if (settled.hot()) {
        Map<String, Object> hot = new LinkedHashMap<>();
        hot.put("campaignId", campaignId);
        hot.put("leadId", settled.leadId());
        hot.put("callId", settled.callId());
        hot.put("score", settled.score());
        hot.put("classification", settled.classification());
        hot.put("summary", settled.summary());
        published.add(events.publish(workspaceId, LEAD_HOT, hot, LEAD_HOT + ":" + campaignId + ":" + settled.leadId())
            .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
  }
}
