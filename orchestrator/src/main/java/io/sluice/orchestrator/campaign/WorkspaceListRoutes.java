package io.sluice.orchestrator.campaign;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.put;

import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.sluice.orchestrator.database.Database;
import io.sluice.orchestrator.http.ApiProblem;
import io.sluice.persistence.campaign.DoNotCallList;
import io.sluice.persistence.campaign.NotificationPreferences;
import java.time.Clock;
import java.util.List;

/**
 * A workspace's do-not-call list and its users' notification preferences:
 *
 * <ul>
 *   <li>{@code GET /v1/do-not-call?after=&limit=}, {@code POST /v1/do-not-call {"phone", "reason"}} (201, or 200 when
 *       the number was already listed), {@code DELETE /v1/do-not-call/{phone}} (204, 404 when not listed). Numbers
 *       are stored in E.164; the list is checked when a lead is dialled, not only at import.
 *   <li>{@code GET /v1/notification-preferences/{userId}}, {@code PUT} with {@code {"campaignSummaryEmail": bool}}.
 *       A user without a stored preference gets the summary email.
 * </ul>
 */
public final class WorkspaceListRoutes {
  private static final int MAX_PAGE = 1000;

  public record DoNotCallRequest(String phone, String reason) {}

  /** A user's preferences; {@code campaignSummaryEmail} defaults to true. */
  public record Preferences(String userId, boolean campaignSummaryEmail) {}

  public record PreferencesRequest(Boolean campaignSummaryEmail) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public PreferencesRequest {}
  }

  private final ObjectMapper mapper;
  private final Database database;
  private final Clock clock;
  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

  public WorkspaceListRoutes(ObjectMapper mapper, Database database, Clock clock) {
    this.mapper = mapper;
    this.database = database;
    this.clock = clock;
  }

  public Route routes(String workspaceId) {
    String owner = "workspace-" + workspaceId;
    return concat(
        pathPrefix("do-not-call", () -> concat(
            pathEnd(() -> concat(
                get(() -> parameterOptional("after", after -> parameterOptional("limit", limit -> {
                  int size = limit.map(value -> pageSize(value)).orElse(100);
                  return onSuccess(database.withConnection(null, owner, "list-do-not-call",
                      DoNotCallList.list(workspaceId, after.orElse(null), size)), page -> json(StatusCodes.OK, page));
                }))),
                post(() -> entity(Unmarshaller.entityToString(), body -> {
                  DoNotCallRequest request = read(body, DoNotCallRequest.class);
                  String phone = e164(request.phone());
                  return onSuccess(database.withConnection(null, owner, "add-do-not-call",
                      DoNotCallList.add(workspaceId, phone, request.reason(), clock.instant())), added ->
                      json(added ? StatusCodes.CREATED : StatusCodes.OK, new DoNotCallRequest(phone,
                          request.reason())));
                })))),
            path(PathMatchers.segment(), phone -> delete(() -> onSuccess(database.withConnection(null, owner,
                "remove-do-not-call", DoNotCallList.remove(workspaceId, e164(phone))), removed -> {
                  if (!removed) {
                    throw ApiProblem.notFound("the number is not on the do-not-call list");
                  }
                  return complete(StatusCodes.NO_CONTENT);
                }))))),
        path(PathMatchers.segment("notification-preferences").slash(PathMatchers.segment()), userId -> concat(
            get(() -> onSuccess(database.withConnection(null, owner, "read-preferences",
                NotificationPreferences.campaignSummaryEmail(workspaceId, userId)), stored ->
                json(StatusCodes.OK, new Preferences(userId, stored.orElse(true))))),
            put(() -> entity(Unmarshaller.entityToString(), body -> {
              PreferencesRequest request = read(body, PreferencesRequest.class);
              if (request.campaignSummaryEmail() == null) {
                throw ApiProblem.invalid("invalid preferences", List.of(new FieldError("campaignSummaryEmail", null,
                    "is required (true or false)")));
              }
              return onSuccess(database.withConnection(null, owner, "write-preferences",
                  NotificationPreferences.setCampaignSummaryEmail(workspaceId, userId,
                      request.campaignSummaryEmail())), written ->
                  json(StatusCodes.OK, new Preferences(userId, request.campaignSummaryEmail())));
            })))));
  }

  private String e164(String phone) {
    if (phone == null || phone.isBlank()) {
      throw ApiProblem.invalid("invalid phone", List.of(new FieldError("phone", null, "is required")));
    }
    try {
      var number = phones.parse(phone, null);
      if (phones.isValidNumber(number)) {
        return phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
      }
    } catch (NumberParseException e) {
      // answered below
    }
    throw ApiProblem.invalid("invalid phone", List.of(new FieldError("phone", null,
        "must be a valid number in E.164 form, such as +14155552671")));
  }

  private static int pageSize(String value) {
    try {
      int size = Integer.parseInt(value);
      if (size >= 1 && size <= MAX_PAGE) {
        return size;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.invalid("invalid limit", List.of(new FieldError("limit", null,
        "must be a whole number from 1 to " + MAX_PAGE)));
  }

  private <T> T read(String body, Class<T> type) {
    try {
      return mapper.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw ApiProblem.invalid("malformed JSON", List.of(new FieldError("body", null, e.getOriginalMessage())));
    }
  }

  private <T> Route json(StatusCode status, T body) {
    return complete(status, body, Jackson.marshaller(mapper));
  }
}
