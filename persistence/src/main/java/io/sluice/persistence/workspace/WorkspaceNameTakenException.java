package io.sluice.persistence.workspace;

/** A workspace with this name exists already (names are unique); the transaction was rolled back. */
public final class WorkspaceNameTakenException extends RuntimeException {
  private final String name;

  public WorkspaceNameTakenException(String name, Throwable cause) {
    super("a workspace named '" + name + "' exists already", cause);
    this.name = name;
  }

  public String name() {
    return name;
  }
}
