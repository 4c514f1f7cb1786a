package io.sluice.protocols.campaign;

import akka.Done;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.sluice.protocols.CborSerializable;
import java.time.Instant;

/**
 * What a campaign entity accepts. Every command that changes the campaign is answered with a {@link CampaignReply};
 * a command the campaign's status does not allow is answered {@link CampaignReply.Refused}, never ignored.
 */
public interface CampaignCommand extends CborSerializable {

  /** Creates the campaign as a {@link CampaignStatus#DRAFT}; its leads are stored separately, then counted in. */
  record Create(CampaignTerms terms, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  /** {@code count} more leads were stored for the campaign (a draft only). */
  record AddLeads(long count, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  /** Starts a draft now ({@code at} null or past) or schedules it for {@code at}. */
  record Start(Instant at, ActorRef<CampaignReply> replyTo) implements CampaignCommand {}

  record Pause(ActorRef<CampaignReply> replyTo) implements CampaignCommand {
    @JsonCreator
    public Pause {}
  }

  record Resume(ActorRef<CampaignReply> replyTo) implements CampaignCommand {
    @JsonCreator
    public Resume {}
  }

  record Cancel(ActorRef<CampaignReply> replyTo) implements CampaignCommand {
    @JsonCreator
    public Cancel {}
  }

  /** Answered with the campaign's view, or {@link CampaignReply.Refused} when no such campaign exists. */
  record Get(ActorRef<CampaignReply> replyTo) implements CampaignCommand {
    @JsonCreator
    public Get {}
  }

  /**
   * A verified call outcome from the provider. Answered {@link Done} once it is durably recorded (or recognised as
   * already recorded), so the webhook's inbox can mark the event processed.
   */
  record ReportOutcome(CallReport report, ActorRef<Done> replyTo) implements CampaignCommand {}

  /** Sent at start-up to every campaign with work ahead, so that it resumes without waiting for a request. */
  enum Wake implements CampaignCommand {
    INSTANCE
  }
}
