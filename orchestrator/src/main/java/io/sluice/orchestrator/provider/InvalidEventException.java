package io.sluice.orchestrator.provider;

/** An outcome event body that cannot be taken; {@link #field()} names the offending field ("body" if unparseable). */
public final class InvalidEventException extends Exception {
  private final String field;

  public InvalidEventException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
