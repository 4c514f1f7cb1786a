package io.sluice.orchestrator.campaign;

import akka.actor.typed.ActorRef;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.permit.Acquire;
import io.sluice.protocols.permit.Lease;
import io.sluice.protocols.permit.LeaseKind;
import io.sluice.protocols.permit.LeaseId;
import io.sluice.protocols.permit.PermitCommand;
import io.sluice.protocols.permit.PermitReply;
import io.sluice.protocols.permit.Priority;
import io.sluice.protocols.permit.Release;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A campaign's call slots, one per call: the slot requests it is waiting on, the leases it holds and which lead each
 * serves. Slots are permits of the node's call-slot supervisor, asked for and given back as messages; this is only the
 * bookkeeping that ties a permit reply back to its lead. Nothing here is durable: a restart asks again.
 */
final class CallSlotLeases {
  private final String owner;
  private final ActorRef<PermitCommand> callSlots;
  private final Duration maxWait;
  private final ActorRef<PermitReply> replies;
  private final ActorRef<CampaignCommand> holder;
  private final Map<Long, Long> leadByRequest = new HashMap<>();
  private final Map<Long, Lease> leaseByLead = new HashMap<>();
  private final Map<Long, Long> leadByLease = new HashMap<>();
  private long requestIds;

  CallSlotLeases(String campaignId, ActorRef<PermitCommand> callSlots, Duration maxWait,
      ActorRef<PermitReply> replies, ActorRef<CampaignCommand> holder) {
    this.owner = "campaign-" + campaignId;
    this.callSlots = callSlots;
    this.maxWait = maxWait;
    this.replies = replies;
    this.holder = holder;
  }

  /** Asks for a slot for the lead's call; the reply comes to {@code replies}. */
  void request(long leadId) {
    long requestId = ++requestIds;
    leadByRequest.put(requestId, leadId);
    callSlots.tell(new Acquire(requestId, owner, "call", LeaseKind.SHORT, Priority.NORMAL, maxWait, replies,
        holder));
  }

  /** The lead a reply to request {@code requestId} is for (null if unknown); the request is answered either way. */
  Long answered(long requestId) {
    return leadByRequest.remove(requestId);
  }

  /** The lead's call now holds {@code lease}. */
  void hold(long leadId, Lease lease) {
    leaseByLead.put(leadId, lease);
    leadByLease.put(lease.id().value(), leadId);
  }

  /** The supervisor took a lease back: the lead it served (null if none), which no longer holds it. */
  Long revoked(LeaseId lease) {
    Long leadId = leadByLease.remove(lease.value());
    if (leadId != null) {
      leaseByLead.remove(leadId);
    }
    return leadId;
  }

  /** Gives a granted slot back unused (its lead no longer wants it). */
  void giveBack(Lease lease) {
    callSlots.tell(new Release(lease.id(), null, false));
  }

  /** Gives the lead's slot back, if it holds one. No latency: a call's length is the conversation's, no congestion. */
  void release(long leadId, boolean failed) {
    Lease lease = leaseByLead.remove(leadId);
    if (lease != null) {
      leadByLease.remove(lease.id().value());
      callSlots.tell(new Release(lease.id(), null, failed));
    }
  }
}
