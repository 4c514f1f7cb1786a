package io.sluice.orchestrator.campaign;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.persistence.typed.javadsl.EffectFactories;
import akka.persistence.typed.javadsl.ReplyEffect;
import io.sluice.orchestrator.campaign.CallRefiner.Refinement;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CallReport;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignCommand.ReportOutcome;
import io.sluice.protocols.campaign.CampaignEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A campaign's settling: takes each attempt's end — the provider's report (its score refined by the classifier, no
 * database permit held meanwhile), or a dial that ended without one — publishes its webhook events ({@link
 * CallEvents}), writes it to the lead table, then records it in the journal, and only then answers the report.
 *
 * <p>Settlements are written in group commits. While one batch is being written, the settlements that arrive wait;
 * when it is written, the next batch (everything that waited) goes to the database at once, and the written batch is
 * journaled with one {@code persistAll} meanwhile. A batch is only started from a {@link Flush} the entity sends
 * itself, so the reports the persistence stashed during a journal write — handled one after the other when it ends —
 * all join the same batch. No timer: under light load a batch is one settlement and waits for nothing.
 *
 * <p>The crash ordering is the {@link Dialler}'s: an {@code OutcomeRecorded} is journaled only after its batch is in
 * the lead table, so a crash in between leaves the attempt in flight, and the next incarnation's claim finds it settled
 * and journals it from the table. The events are published before the table write, so a settlement found in the
 * table always had its events published; a crash between the two publishes again when the attempt is settled again
 * (the publications' idempotency keys make the repeat store nothing).
 */
final class Settler {

  /** Internal steps of settling. */
  interface Step extends Dialler.Step {}

  /** Write what waits, unless a batch is being written. */
  enum Flush implements Step { INSTANCE }

  record ReportReady(ReportOutcome command, LeadToDial lead, Throwable failure) implements Step {}

  record Refined(ReportOutcome command, LeadToDial lead, Refinement refinement, Throwable failure) implements Step {}

  record BatchWritten(List<Pending> batch, Throwable failure) implements Step {}

  record BatchPublished(List<Pending> batch, Throwable failure) implements Step {}

  /**
   * One settlement waiting for its batch.
   *
   * @param doNotCall the number to add to the workspace's do-not-call list with it, or null
   * @param replyTo the report's sender, answered once the outcome is journaled; null when no report waits
   */
  record Pending(Settlement settlement, String doNotCall, ActorRef<Done> replyTo) {}

  /** What settling needs of the dialling side. */
  interface Attempts {
    /** The lead of an attempt in flight, or null when this incarnation has not loaded it. */
    LeadToDial lead(long leadId);

    /** The attempt's call is over: its call slot goes back. */
    void callEnded(long leadId, boolean failed);

    /** The attempts are settled and journaled ({@code after} has them): forget them, dial on. */
    void settled(CampaignState after, List<Long> leadIds);
  }

  private final String campaignId;
  private final ActorContext<CampaignCommand> context;
  private final CampaignPorts ports;
  private final Supplier<EffectFactories<CampaignEvent, CampaignState>> effects;
  private final Attempts attempts;
  private final Logger log;

  /** Attempts from their first report (or end) until journaled: a second report meanwhile is only answered. */
  private final Set<Long> settling = new HashSet<>();
  private List<Pending> waiting = new ArrayList<>();
  private boolean writing;
  private boolean flushSent;

  Settler(String campaignId, ActorContext<CampaignCommand> context, CampaignPorts ports,
      Supplier<EffectFactories<CampaignEvent, CampaignState>> effects, Attempts attempts) {
    this.campaignId = campaignId;
    this.context = context;
    this.ports = ports;
    this.effects = effects;
    this.attempts = attempts;
    this.log = context.getLog();
  }

  ReplyEffect<CampaignEvent, CampaignState> onStep(CampaignState state, Step step) {
    if (step instanceof Flush) {
      flushSent = false;
      write(state);
    } else if (step instanceof ReportReady ready) {
      return onReportReady(state, ready);
    } else if (step instanceof Refined refined) {
      return onRefined(state, refined);
    } else if (step instanceof BatchWritten written) {
      return onBatchWritten(state, written);
    } else if (step instanceof BatchPublished published) {
      return onBatchPublished(state, published);
    }
    return effects.get().noReply();
  }

  ReplyEffect<CampaignEvent, CampaignState> onReport(CampaignState state, ReportOutcome command) {
    CallReport report = command.report();
    Integer attempt = state.inFlight().get(report.leadId());
    if (attempt == null || attempt != report.attempt() || !settling.add(report.leadId())) {
      // Already settled, never dialled, or settling now: the lead table already has (or is getting) it.
      return effects.get().reply(command.replyTo(), Done.getInstance());
    }
    attempts.callEnded(report.leadId(), report.outcome() == CallOutcome.FAILED);
    LeadToDial lead = attempts.lead(report.leadId());
    if (lead != null) {
      return onReportReady(state, new ReportReady(command, lead, null));
    }
    context.pipeToSelf(ports.leads().lead(campaignId, report.leadId()),
        (loaded, failure) -> new ReportReady(command, loaded, failure));
    return effects.get().noReply();
  }

  /**
   * Settles an attempt that ended without a report (no call placed, no outcome in time); false, doing nothing, when
   * the attempt is settling already.
   */
  boolean settleUnreported(CampaignState state, LeadToDial lead, int attempt, CallOutcome outcome, String why) {
    if (!settling.add(lead.leadId())) {
      return false;
    }
    settle(state, lead, attempt, outcome, 0, null, why, 0, null, false, null);
    return true;
  }

  private ReplyEffect<CampaignEvent, CampaignState> onReportReady(CampaignState state, ReportReady ready) {
    CallReport report = ready.command().report();
    if (ready.failure() != null) {
      settling.remove(report.leadId());
      log.warn("campaign {} lead {}: could not load the lead for its report; the report stays unprocessed: {}",
          campaignId, report.leadId(), ready.failure().toString());
      return effects.get().noReply();
    }
    if (report.outcome() == CallOutcome.ANSWERED && ports.refiner().isPresent()) {
      // The classifier may take seconds: no database permit is held while it runs.
      context.pipeToSelf(ports.refiner().get().refine(report, ready.lead()),
          (refinement, failure) -> new Refined(ready.command(), ready.lead(), refinement, failure));
      return effects.get().noReply();
    }
    return onRefined(state, new Refined(ready.command(), ready.lead(), null, null));
  }

  private ReplyEffect<CampaignEvent, CampaignState> onRefined(CampaignState state, Refined refined) {
    CallReport report = refined.command().report();
    int score = report.score();
    String label = null;
    if (refined.refinement() != null) {
      score = refined.refinement().score();
      label = refined.refinement().label();
    } else if (refined.failure() != null) {
      log.warn("campaign {} lead {}: classifier failed, keeping the provider's score {}: {}", campaignId,
          report.leadId(), score, refined.failure().toString());
    }
    settle(state, refined.lead(), report.attempt(), report.outcome(), score, label, report.summary(),
        report.durationSeconds(), report.callId(), report.outcome() == CallOutcome.DO_NOT_CALL,
        refined.command().replyTo());
    return effects.get().noReply();
  }

  private void settle(CampaignState state, LeadToDial lead, int attempt, CallOutcome outcome, int score,
      String label, String summary, int durationSeconds, String callId, boolean addToDoNotCall,
      ActorRef<Done> replyTo) {
    Instant retryAt = retryAt(state, outcome, attempt);
    boolean hot = retryAt == null && outcome == CallOutcome.ANSWERED && score >= state.terms().hotThreshold();
    waiting.add(new Pending(new Settlement(lead.leadId(), attempt, outcome, score, label, summary, durationSeconds,
        callId, hot, retryAt), addToDoNotCall ? lead.phone() : null, replyTo));
    if (!writing && !flushSent) {
      flushSent = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
  }

  /** When the lead is called again under the campaign's retry policy; null when this attempt was its last. */
  private Instant retryAt(CampaignState state, CallOutcome outcome, int attempt) {
    RetryPolicy.Decision decision = RetryPolicy.of(state.terms().retries()).decide(outcome, attempt,
        ports.clock().instant());
    return decision instanceof RetryPolicy.RetryAt retry ? retry.at() : null;
  }

  /**
   * Publishes the webhook events of everything waiting, then writes it to the lead table in one unit of work, unless
   * a batch is on its way already.
   */
  private void write(CampaignState state) {
    if (writing || waiting.isEmpty()) {
      return;
    }
    writing = true;
    List<Pending> batch = waiting;
    waiting = new ArrayList<>();
    context.pipeToSelf(ports.callEvents().settled(state.terms().workspaceId(), campaignId,
            batch.stream().map(Pending::settlement).toList()),
        (done, failure) -> new BatchPublished(batch, failure));
  }

  /** The batch's webhook events are stored: now it goes to the lead table. */
  private ReplyEffect<CampaignEvent, CampaignState> onBatchPublished(CampaignState state, BatchPublished published) {
    List<Pending> batch = published.batch();
    if (published.failure() != null) {
      writing = false;
      write(state);
      batch.forEach(pending -> settling.remove(pending.settlement().leadId()));
      log.warn("campaign {}: the webhook events of {} settlement(s) not published ({}); their reports stay"
          + " unprocessed", campaignId, batch.size(), published.failure().toString());
      return effects.get().noReply();
    }
    List<Settlement> settlements = batch.stream().map(Pending::settlement).toList();
    List<String> doNotCall = batch.stream().map(Pending::doNotCall).filter(phone -> phone != null).toList();
    context.pipeToSelf(ports.leads().settle(state.terms().workspaceId(), campaignId, settlements, doNotCall),
        (applied, failure) -> new BatchWritten(batch, failure));
    return effects.get().noReply();
  }

  /** The batch is in the lead table: now it is journaled and its reports answered. */
  private ReplyEffect<CampaignEvent, CampaignState> onBatchWritten(CampaignState state, BatchWritten written) {
    writing = false;
    // The next batch's publication and write overlap this one's journal write.
    write(state);
    List<Pending> batch = written.batch();
    if (written.failure() != null) {
      batch.forEach(pending -> settling.remove(pending.settlement().leadId()));
      log.warn("campaign {}: {} settlement(s) not written ({}); their reports stay unprocessed", campaignId,
          batch.size(), written.failure().toString());
      return effects.get().noReply();
    }
    List<CampaignEvent> recorded = batch.stream().map(Pending::settlement)
        .<CampaignEvent>map(settled -> new CampaignEvent.OutcomeRecorded(settled.leadId(), settled.attempt(),
            settled.outcome(), settled.finalForLead(), settled.hot()))
        .toList();
    return effects.get().persist(recorded)
        .thenRun(after -> {
          List<Long> leadIds = new ArrayList<>(batch.size());
          for (Pending pending : batch) {
            leadIds.add(pending.settlement().leadId());
            settling.remove(pending.settlement().leadId());
            if (pending.replyTo() != null) {
              pending.replyTo().tell(Done.getInstance());
            }
          }
          attempts.settled(after, leadIds);
        })
        .thenNoReply();
  }
}
