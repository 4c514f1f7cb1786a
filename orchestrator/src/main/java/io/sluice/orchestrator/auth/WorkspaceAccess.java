package io.sluice.orchestrator.auth;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.server.Route;
import io.sluice.config.ApiKeySettings;
import io.sluice.orchestrator.database.Database;
import io.sluice.protocols.workspace.WorkspaceId;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Workspaces and their API keys, wired together: the {@link #authenticated} directive every workspace route sits
 * behind, the {@link #adminRoutes() admin API} and the {@link #ensureFirstKey() first start}. One per service, over the
 * service's {@link Database}: keys are verified under its permits, and a verified key is remembered briefly
 * ({@code sluice.http.key-cache.*}) so most requests need none.
 *
 * <p>Mounting, in this order in one {@code concat}: health and metrics; the provider webhook (authenticated by its
 * signature); {@link #adminRoutes()}; then {@code pathPrefix("v1", () -> access.authenticated(workspace -> ...))}.
 * {@code authenticated} answers 401 itself, so nothing after it is reached.
 */
public final class WorkspaceAccess {
  private final ApiKeyVerifier verifier;
  private final WorkspaceAdmin admin;
  private final ApiKeyAuthentication authentication;
  private final AdminRoutes adminRoutes;
  private final FirstKey firstKey;

  WorkspaceAccess(ActorSystem<?> system, Database database, ApiKeySettings settings, Clock clock, PrintStream out) {
    this.verifier = new ApiKeyVerifier(database, settings.keyCacheTtl(), settings.keyCacheMaxEntries(), clock);
    this.admin = new WorkspaceAdmin(database, verifier, new SecureRandom(), clock);
    JsonResponses responses = new JsonResponses(system);
    this.authentication = new ApiKeyAuthentication(verifier, settings, responses);
    this.adminRoutes = new AdminRoutes(admin, authentication, responses);
    this.firstKey = new FirstKey(admin, settings, out,
        system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** The service's access control: the system clock, the banner on stdout. */
  public static WorkspaceAccess create(ActorSystem<?> system, Database database, ApiKeySettings settings) {
    return new WorkspaceAccess(system, database, settings, Clock.systemUTC(), System.out);
  }

  /** See {@link ApiKeyAuthentication#authenticated}. */
  public Route authenticated(Function<WorkspaceId, Route> inner) {
    return authentication.authenticated(inner);
  }

  /** {@code /v1/admin/...}, see {@link AdminRoutes}. */
  public Route adminRoutes() {
    return adminRoutes.routes();
  }

  /**
   * Creates the {@code default} workspace and its first key if there is no workspace and
   * {@code sluice.bootstrap.create-first-key} is on; prints and writes the key once. Completes with the key when one
   * was created, empty otherwise. Call at start-up, before binding HTTP.
   */
  public CompletionStage<Optional<IssuedKey>> ensureFirstKey() {
    return firstKey.ensure();
  }

  /** For work beyond the admin routes, such as tests or a CLI: creating workspaces, issuing and revoking keys. */
  public WorkspaceAdmin admin() {
    return admin;
  }

  ApiKeyVerifier verifier() {
    return verifier;
  }
}
