package io.sluice.orchestrator.auth;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.failWith;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.respondWithHeader;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.marshallers.jackson.Jackson;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.server.MalformedRequestContentRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.sluice.persistence.workspace.ApiKeyInfo;
import io.sluice.persistence.workspace.WorkspaceNameTakenException;
import io.sluice.protocols.workspace.Workspace;
import io.sluice.protocols.workspace.WorkspaceId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The admin API, behind the admin key ({@link ApiKeyAuthentication#admin}):
 * <ul>
 *   <li>{@code POST /v1/admin/workspaces {"name":..}} → 201 {@code {id, name, createdAt}}; 409 if the name is taken</li>
 *   <li>{@code GET /v1/admin/workspaces} → 200 {@code [{id, name, createdAt}]}, oldest first</li>
 *   <li>{@code POST /v1/admin/workspaces/{id}/keys} → 201 {@code {keyId, workspaceId, key}}, the only time the key is
 *       shown (sent with {@code Cache-Control: no-store}); 404 for an unknown workspace</li>
 *   <li>{@code GET /v1/admin/workspaces/{id}/keys} → 200 {@code [{keyId, prefix, createdAt, revokedAt}]}, revoked
 *       keys included (no {@code revokedAt} while active); 404 for an unknown workspace</li>
 *   <li>{@code DELETE /v1/admin/keys/{keyId}} → 204, also for a key revoked before; 404 for an unknown key</li>
 * </ul>
 * Bad input answers 400 with the field named: {@code name}, {@code body}, {@code workspaceId} or {@code keyId}. Without
 * the admin key every route answers 401; while {@code sluice.http.admin-key} is empty, 403 (the API is disabled).
 */
public final class AdminRoutes {
  /** Longest workspace name (the column is VARCHAR(200)). */
  static final int MAX_NAME_LENGTH = 200;

  private final WorkspaceAdmin admin;
  private final ApiKeyAuthentication authentication;
  private final JsonResponses responses;
  private final Unmarshaller<HttpEntity, CreateWorkspace> createWorkspace;
  private final RejectionHandler bodyRejections;

  /** Body of {@code POST /v1/admin/workspaces}. */
  record CreateWorkspace(String name) {
    @JsonCreator
    CreateWorkspace {}
  }

  /** A workspace as the admin API shows it. */
  record WorkspaceView(String id, String name, String createdAt) {
    static WorkspaceView of(Workspace workspace) {
      return new WorkspaceView(workspace.id().toString(), workspace.name(), workspace.createdAt().toString());
    }
  }

  /** A key just issued; {@code key} is never shown again. */
  record IssuedKeyView(String keyId, String workspaceId, String key) {}

  /** A key as listed: its id, the public start of the key ({@code sk_<prefix>_}), and its state. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KeyView(String keyId, String prefix, String createdAt, String revokedAt) {
    static KeyView of(ApiKeyInfo key) {
      return new KeyView(key.id().toString(), ApiKeyFormat.SCHEME + key.prefix() + "_", key.createdAt().toString(),
          key.revokedAt() == null ? null : key.revokedAt().toString());
    }
  }

  AdminRoutes(WorkspaceAdmin admin, ApiKeyAuthentication authentication, JsonResponses responses) {
    this.admin = admin;
    this.authentication = authentication;
    this.responses = responses;
    this.createWorkspace = Jackson.unmarshaller(responses.mapper(), CreateWorkspace.class);
    this.bodyRejections = bodyRejections();
  }

  public Route routes() {
    return pathPrefix(segment("v1").slash("admin"), () -> authentication.admin(() ->
        handleRejections(bodyRejections, () -> concat(
            pathPrefix("workspaces", () -> concat(
                pathEnd(() -> concat(
                    post(() -> entity(createWorkspace, this::create)),
                    get(() -> onSuccess(admin.list(), workspaces ->
                        responses.json(StatusCodes.OK, workspaces.stream().map(WorkspaceView::of).toList()))))),
                path(segment().slash("keys"), id -> concat(
                    post(() -> issueKey(id)),
                    get(() -> listKeys(id)))))),
            path(segment("keys").slash(segment()), id -> delete(() -> revoke(id)))))));
  }

  private Route create(CreateWorkspace body) {
    String name = body.name() == null ? "" : body.name().strip();
    if (name.isEmpty()) {
      return responses.fieldError(StatusCodes.BAD_REQUEST, "name", "name is required and must not be blank");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return responses.fieldError(StatusCodes.BAD_REQUEST, "name",
          "name has " + name.length() + " characters but may have at most " + MAX_NAME_LENGTH);
    }
    return onComplete(admin.create(name), created -> {
      if (created.isSuccess()) {
        return responses.json(StatusCodes.CREATED, WorkspaceView.of(created.get()));
      }
      if (WorkspaceAdmin.unwrap(created.failed().get()) instanceof WorkspaceNameTakenException taken) {
        return responses.fieldError(StatusCodes.CONFLICT, "name", taken.getMessage());
      }
      return failWith(created.failed().get());
    });
  }

  private Route issueKey(String workspaceId) {
    return withUuid(workspaceId, "workspaceId", id -> onSuccess(admin.issueKey(new WorkspaceId(id)), issued ->
        issued.map(key -> respondWithHeader(CacheControl.create(CacheDirectives.NO_STORE), () ->
                responses.json(StatusCodes.CREATED,
                    new IssuedKeyView(key.keyId().toString(), key.workspaceId().toString(), key.key()))))
            .orElseGet(() -> responses.fieldError(StatusCodes.NOT_FOUND, "workspaceId", "no such workspace"))));
  }

  private Route listKeys(String workspaceId) {
    return withUuid(workspaceId, "workspaceId", id -> onSuccess(admin.keys(new WorkspaceId(id)), keys ->
        keys.map(list -> responses.json(StatusCodes.OK, list.stream().map(KeyView::of).toList()))
            .orElseGet(() -> responses.fieldError(StatusCodes.NOT_FOUND, "workspaceId", "no such workspace"))));
  }

  private Route revoke(String keyId) {
    return withUuid(keyId, "keyId", id -> onSuccess(admin.revoke(id), revoked -> revoked
        ? complete(StatusCodes.NO_CONTENT)
        : responses.fieldError(StatusCodes.NOT_FOUND, "keyId", "no such key")));
  }

  private Route withUuid(String text, String field, Function<UUID, Route> inner) {
    Optional<UUID> id = parseUuid(text);
    return id.map(inner).orElseGet(() ->
        responses.fieldError(StatusCodes.BAD_REQUEST, field, field + " must be a UUID"));
  }

  /** A UUID in its canonical 36-character form only: {@link UUID#fromString} also takes shortened groups. */
  static Optional<UUID> parseUuid(String text) {
    if (text.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A body that is not JSON, or not the expected shape, answers 400 naming the field Jackson stopped at. */
  private RejectionHandler bodyRejections() {
    return RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, rejection ->
            responses.fieldError(StatusCodes.BAD_REQUEST, offendingField(rejection.getCause()),
                "the request body must be a JSON object like {\"name\": \"...\"}"))
        .handle(UnsupportedRequestContentTypeRejection.class, rejection ->
            responses.fieldError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "body", "send the body as application/json"))
        .build();
  }

  private static String offendingField(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonMappingException mapping) {
        List<JsonMappingException.Reference> path = mapping.getPath();
        if (!path.isEmpty() && path.get(path.size() - 1).getFieldName() != null) {
          return path.get(path.size() - 1).getFieldName();
        }
      }
    }
    return "body";
  }
}
