package io.sluice.orchestrator.campaign;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.Multipart;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.japi.function.Function;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.config.CampaignSettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.database.PermitRequest;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.orchestrator.http.CsvDownload;
import io.sluice.persistence.campaign.CampaignLeads;
import io.sluice.persistence.campaign.CampaignRow;
import io.sluice.persistence.campaign.Campaigns;
import io.sluice.persistence.campaign.LeadProgress;
import io.sluice.persistence.campaign.LeadRow;
import io.sluice.persistence.campaign.NewLead;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.CallWindow;
import io.sluice.protocols.campaign.CampaignCommand;
import io.sluice.protocols.campaign.CampaignOwner;
import io.sluice.protocols.campaign.CampaignReply;
import io.sluice.protocols.campaign.CampaignReply.CampaignView;
import io.sluice.protocols.campaign.CampaignStatus;
import io.sluice.protocols.campaign.CampaignTerms;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The campaign API, every route inside a workspace (its API key decides which; another workspace's campaign is
 * answered 404, never shown):
 *
 * <ul>
 *   <li>{@code POST /v1/campaigns}: create, with the leads in the JSON body, or as {@code multipart/form-data} with a
 *       {@code campaign} JSON part (no leads) and a {@code leads} CSV part, parsed as it streams in. Everything is
 *       validated before anything is stored; then the campaign row and every lead are written in one transaction.
 *   <li>{@code GET /v1/campaigns}: the workspace's campaigns; {@code GET /v1/campaigns/{id}}: progress.
 *   <li>{@code POST /v1/campaigns/{id}/start} (optional {@code {"at": instant}}), {@code /pause}, {@code /resume},
 *       {@code /cancel}: 200 with the campaign, or 409 when its status does not allow it.
 *   <li>{@code GET /v1/campaigns/{id}/leads?outcome=&classification=&after=&limit=}: leads, paged by lead id.
 *   <li>{@code GET /v1/campaigns/{id}/hot-leads.csv}: every hot lead, best first, streamed.
 * </ul>
 */
public final class CampaignRoutes {
  private static final int MAX_PAGE = 500;
  private static final List<String> HOT_LEAD_HEADER =
      List.of("lead_id", "name", "phone", "score", "classification", "summary");

  /** What {@code GET /v1/campaigns/{id}} answers: the entity's counters and the lead table's counts. */
  public record Progress(String campaignId, CampaignStatus status, String name, long leadCount, long finalCount,
      long hotCount, int inFlight, Map<CallOutcome, Long> outcomes, Map<String, Long> leadsByState,
      Map<String, Long> classifications, Instant startAt, Instant createdAt, Instant completedAt, Instant nextWakeAt,
      boolean summaryHandedOver) {}

  /** Body of {@code POST /v1/campaigns/{id}/start}. */
  public record StartRequest(String at) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public StartRequest {}
  }

  /** A page of leads and the cursor of the next. */
  public record LeadPage(List<LeadRow> leads, Long nextAfter) {}

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final Database database;
  private final CampaignSettings settings;
  private final CampaignRequestValidator validator;
  private final LeadCsv csv;
  private final Executor blocking;
  private final Clock clock;
  private final Duration askTimeout;
  private final CsvDownload csvDownload;

  public CampaignRoutes(ActorSystem<?> system, ObjectMapper mapper, Database database, CampaignSettings settings,
      Executor blocking, Clock clock, Duration askTimeout) {
    this.system = system;
    this.mapper = mapper;
    this.database = database;
    this.settings = settings;
    this.validator = new CampaignRequestValidator(settings);
    this.csv = new LeadCsv(settings);
    this.blocking = blocking;
    this.clock = clock;
    this.askTimeout = askTimeout;
    this.csvDownload = new CsvDownload(system);
  }

  /** The routes of one workspace, already authenticated. */
  public Route routes(String workspaceId) {
    return pathPrefix("campaigns", () -> concat(
        pathEnd(() -> concat(
            post(() -> create(workspaceId)),
            get(() -> onSuccess(database.withConnection(null, "workspace-" + workspaceId, "list-campaigns",
                Campaigns.ofWorkspace(workspaceId, MAX_PAGE)), rows -> json(StatusCodes.OK, rows))))),
        pathPrefix(PathMatchers.segment(), campaignId -> concat(
            pathEnd(() -> get(() -> onSuccess(progress(workspaceId, campaignId), p -> json(StatusCodes.OK, p)))),
            path("start", () -> post(() -> entity(Unmarshaller.entityToString(), body ->
                onSuccess(start(workspaceId, campaignId, body), view -> json(StatusCodes.OK, view))))),
            path("pause", () -> post(() -> command(workspaceId, campaignId, CampaignCommand.Pause::new))),
            path("resume", () -> post(() -> command(workspaceId, campaignId, CampaignCommand.Resume::new))),
            path("cancel", () -> post(() -> command(workspaceId, campaignId, CampaignCommand.Cancel::new))),
            path("leads", () -> get(() -> leads(workspaceId, campaignId))),
            path("hot-leads.csv", () -> get(() -> onSuccess(owned(workspaceId, campaignId), entity ->
                hotLeads(campaignId))))))));
  }

  private Route create(String workspaceId) {
    return concat(
        entity(Unmarshaller.entityToMultipartFormData(), form -> extractMaterializer(materializer ->
            onSuccess(fromMultipart(workspaceId, form, materializer), view -> json(StatusCodes.CREATED, view)))),
        entity(Unmarshaller.entityToString(), body ->
            onSuccess(fromJson(workspaceId, body), view -> json(StatusCodes.CREATED, view))));
  }

  private CompletionStage<CampaignView> fromJson(String workspaceId, String body) {
    CreateCampaignRequest request = read(body, CreateCampaignRequest.class, "");
    return store(workspaceId, validated(validator.validate(request)));
  }

  /**
   * The {@code campaign} part is read whole (it is small); the {@code leads} part streams through the CSV parser on
   * a blocking thread, never held in memory as text. Parts may come in either order.
   */
  private CompletionStage<CampaignView> fromMultipart(String workspaceId, Multipart.FormData form,
      Materializer materializer) {
    CompletableFuture<CreateCampaignRequest> request = new CompletableFuture<>();
    CompletableFuture<Validation<List<Lead>>> leads = new CompletableFuture<>();
    CompletionStage<?> parts = form.getParts().mapAsync(1, part -> {
      if ("campaign".equals(part.getName())) {
        return part.getEntity().toStrict(10_000, materializer).thenApply(strict -> request.complete(
            read(strict.getData().utf8String(), CreateCampaignRequest.class, "campaign.")));
      } else if ("leads".equals(part.getName())) {
        InputStream in = part.getEntity().getDataBytes().runWith(StreamConverters.asInputStream(askTimeout), materializer);
        return CompletableFuture.supplyAsync(() -> leads.complete(parseCsv(in)), blocking);
      }
      return part.getEntity().discardBytes(materializer).completionStage().thenApply(done -> true);
    }).runWith(Sink.ignore(), materializer);
    return parts.thenCompose(done -> {
      if (!request.isDone()) {
        throw ApiProblem.invalid("the form needs a part named campaign", List.of(
            new FieldError("campaign", null, "missing part")));
      }
      if (!leads.isDone()) {
        throw ApiProblem.invalid("the form needs a part named leads (CSV)", List.of(
            new FieldError("leads", null, "missing part")));
      }
      List<Lead> imported = validated(leads.join());
      return store(workspaceId, validated(validator.validate(request.join(), imported)));
    });
  }

  private Validation<List<Lead>> parseCsv(InputStream in) {
    try (in) {
      return csv.read(in);
    } catch (IOException e) {
      throw ApiProblem.invalid("the leads file could not be read: " + e.getMessage(), List.of(
          new FieldError("leads", null, e.getMessage())));
    }
  }

  /** Creates the entity, then writes the row and the leads in one transaction, then counts the leads in. */
  private CompletionStage<CampaignView> store(String workspaceId, ValidCampaign campaign) {
    String campaignId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    CampaignTerms terms = terms(workspaceId, campaign);
    List<NewLead> leads = LeadRecords.toNewLeads(campaign.leads(), mapper);
    CampaignRow row = new CampaignRow(campaignId, workspaceId, terms.name(), terms.owner().userId(),
        terms.owner().email(), CampaignStatus.DRAFT, 0, 0, 0, null, now, now);
    EntityRef<CampaignCommand> entity = entityRef(campaignId);
    return database.withConnection(null, "workspace-" + workspaceId, "create-campaign",
            Campaigns.createWithLeads(row, leads, settings.insertBatchSize(), campaign.startAt().orElse(now)))
        .thenCompose(inserted -> accepted(entity.ask(replyTo -> new CampaignCommand.Create(terms, replyTo),
            askTimeout)))
        .thenCompose(created -> accepted(entity.ask(replyTo -> new CampaignCommand.AddLeads(leads.size(), replyTo),
            askTimeout)))
        .thenCompose(view -> campaign.startAt().isEmpty() ? CompletableFuture.completedFuture(view)
            : accepted(entity.ask(replyTo -> new CampaignCommand.Start(campaign.startAt().get(), replyTo),
                askTimeout)));
  }

  private static CampaignTerms terms(String workspaceId, ValidCampaign campaign) {
    List<CallWindow> windows = campaign.windows().stream().map(CallingWindow::asTerms).toList();
    return new CampaignTerms(workspaceId, campaign.name(),
        new CampaignOwner(campaign.owner().userId(), campaign.owner().email()), windows, campaign.retryPolicy().rules(),
        campaign.maxConcurrentCalls(), campaign.hotThreshold());
  }

  private CompletionStage<CampaignView> start(String workspaceId, String campaignId, String body) {
    Instant at = null;
    if (!body.isBlank()) {
      StartRequest request = read(body, StartRequest.class, "");
      if (request.at() != null) {
        try {
          at = Instant.parse(request.at());
        } catch (java.time.format.DateTimeParseException e) {
          throw ApiProblem.invalid("invalid start time", List.of(
              new FieldError("at", null, "must be an ISO-8601 instant such as 2026-03-02T14:00:00Z")));
        }
      }
    }
    Instant startAt = at;
    return owned(workspaceId, campaignId).thenCompose(entity ->
        accepted(entity.ask(replyTo -> new CampaignCommand.Start(startAt, replyTo), askTimeout)));
  }

  private Route command(String workspaceId, String campaignId,
      Function<ActorRef<CampaignReply>, CampaignCommand> command) {
    return onSuccess(owned(workspaceId, campaignId).thenCompose(entity ->
        accepted(entity.ask(replyTo -> command.apply(replyTo), askTimeout))), view -> json(StatusCodes.OK, view));
  }

  private CompletionStage<Progress> progress(String workspaceId, String campaignId) {
    return owned(workspaceId, campaignId)
        .thenCompose(entity -> accepted(entity.ask(CampaignCommand.Get::new, askTimeout)))
        .thenCombine(database.withConnection(null, "campaign-" + campaignId, "progress",
            CampaignLeads.progress(campaignId)), CampaignRoutes::progress);
  }

  private static Progress progress(CampaignView view, LeadProgress leads) {
    Map<String, Long> states = new java.util.LinkedHashMap<>();
    leads.states().forEach((state, count) -> states.put(state.name(), count));
    return new Progress(view.campaignId(), view.status(), view.terms().name(), view.leadCount(), view.finalCount(),
        view.hotCount(), view.inFlight(), view.outcomes(), states, leads.classifications(), view.startAt(),
        view.createdAt(), view.completedAt(), view.nextWakeAt(), view.summaryHandedOver());
  }

  private Route leads(String workspaceId, String campaignId) {
    return parameterOptional("outcome", outcome -> parameterOptional("classification", classification ->
        parameterOptional("after", after -> parameterOptional("limit", limit -> {
          Optional<CallOutcome> byOutcome = outcome.map(value -> enumValue(CallOutcome.class, "outcome", value));
          long afterLead = after.map(value -> number("after", value, 0, Long.MAX_VALUE)).orElse(0L);
          int size = limit.map(value -> number("limit", value, 1, MAX_PAGE)).orElse(100L).intValue();
          CompletionStage<LeadPage> page = owned(workspaceId, campaignId).thenCompose(entity ->
              database.withConnection(null, "campaign-" + campaignId, "list-leads",
                  CampaignLeads.list(campaignId, byOutcome, classification, afterLead, size)))
              .thenApply(rows -> new LeadPage(rows,
                  rows.size() < size ? null : rows.get(rows.size() - 1).leadId()));
          return onSuccess(page, body -> json(StatusCodes.OK, body));
        }))));
  }

  /**
   * Every hot lead, best first, streamed from the database under one long-lived permit that a client disconnecting
   * mid-download gives back (the stream is cancelled).
   */
  private Route hotLeads(String campaignId) {
    return csvDownload.download("hot-leads-" + campaignId + ".csv", HOT_LEAD_HEADER,
        database.stream(PermitRequest.forStream(null, "campaign-" + campaignId, "hot-leads-download"),
                CampaignLeads.hotLeads(campaignId))
            .map(lead -> List.of(Long.toString(lead.leadId()), lead.name(), lead.phone(),
                Integer.toString(lead.score()), lead.classification() == null ? "" : lead.classification(),
                lead.summary() == null ? "" : lead.summary())));
  }

  /** The campaign's entity, once its row shows it belongs to the workspace; 404 otherwise (never its data). */
  CompletionStage<EntityRef<CampaignCommand>> owned(String workspaceId, String campaignId) {
    if (!isUuid(campaignId)) {
      return CompletableFuture.failedFuture(ApiProblem.notFound("no such campaign"));
    }
    return database.withConnection(null, "workspace-" + workspaceId, "find-campaign", Campaigns.find(campaignId))
        .thenApply(row -> {
          if (row.isEmpty() || !row.get().workspaceId().equals(workspaceId)) {
            throw ApiProblem.notFound("no such campaign");
          }
          return entityRef(campaignId);
        });
  }

  private EntityRef<CampaignCommand> entityRef(String campaignId) {
    return ClusterSharding.get(system).entityRefFor(Campaign.ENTITY_KEY, campaignId);
  }

  private static CompletionStage<CampaignView> accepted(CompletionStage<CampaignReply> reply) {
    return reply.thenApply(answer -> {
      if (answer instanceof CampaignReply.Accepted accepted) {
        return accepted.view();
      }
      CampaignReply.Refused refused = (CampaignReply.Refused) answer;
      if (refused.status() == null) {
        throw ApiProblem.notFound("no such campaign");
      }
      throw ApiProblem.conflict(refused.reason() + " (the campaign is " + refused.status() + ")");
    });
  }

  private <T> T read(String body, Class<T> type, String prefix) {
    try {
      return mapper.readValue(body, type);
    } catch (JsonMappingException e) {
      String field = prefix + e.getPath().stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName()
          : "[" + ref.getIndex() + "]").reduce("", (a, b) -> a.isEmpty() || b.startsWith("[") ? a + b : a + "." + b);
      throw ApiProblem.invalid("malformed JSON", List.of(new FieldError(field.isEmpty() ? "body" : field, null,
          e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalid("malformed JSON", List.of(new FieldError(prefix.isEmpty() ? "body"
          : prefix.substring(0, prefix.length() - 1), null, e.getOriginalMessage())));
    }
  }

  private static <T> T validated(Validation<T> validation) {
    if (validation instanceof Validation.Invalid<T> invalid) {
      throw ApiProblem.invalid("invalid campaign", invalid.errors());
    }
    return ((Validation.Valid<T>) validation).value();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("invalid " + field, List.of(new FieldError(field, null, "unknown value " + value)));
    }
  }

  private static long number(String field, String value, long min, long max) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below, like an out-of-range number
    }
    throw ApiProblem.invalid("invalid " + field, List.of(new FieldError(field, null,
        "must be a whole number from " + min + " to " + max)));
  }

  private static boolean isUuid(String value) {
    try {
      return UUID.fromString(value).toString().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }
}
