package io.sluice.orchestrator.auth;

import io.sluice.protocols.workspace.WorkspaceId;
import java.util.UUID;

/**
 * A key just issued: the only moment {@link #key} exists outside the client, since only its hash is stored.
 * {@link #toString()} leaves the key out, so a logged or printed record cannot leak it.
 *
 * @param keyId what revokes it ({@code DELETE /v1/admin/keys/{keyId}})
 * @param key the bearer token, {@code sk_<prefix>_<secret>}
 */
public record IssuedKey(UUID keyId, WorkspaceId workspaceId, String key) {
  @Override
  public String toString() {
    return "IssuedKey[keyId=" + keyId + ", workspaceId=" + workspaceId + "]";
  }
}
