package io.sluice.orchestrator.http;

import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import java.util.List;

/**
 * A request the API refuses, with the status and the words to send: thrown from a route (or failing its stage) and
 * turned into a JSON error body by {@link HttpApi}. Never carries a secret.
 *
 * @see HttpApi.ProblemBody
 */
public final class ApiProblem extends RuntimeException {
  private final transient StatusCode status;
  private final transient List<?> errors;

  private ApiProblem(StatusCode status, String message, List<?> errors) {
    super(message, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  /** 400, with every field that is wrong (each naming its field, and its row for a CSV import). */
  public static ApiProblem invalid(String message, List<?> errors) {
    return new ApiProblem(StatusCodes.BAD_REQUEST, message, errors);
  }

  public static ApiProblem notFound(String message) {
    return new ApiProblem(StatusCodes.NOT_FOUND, message, List.of());
  }

  /** 409: the resource's state does not allow the request (start a cancelled campaign). */
  public static ApiProblem conflict(String message) {
    return new ApiProblem(StatusCodes.CONFLICT, message, List.of());
  }

  public static ApiProblem tooLarge(String message) {
    return new ApiProblem(StatusCodes.PAYLOAD_TOO_LARGE, message, List.of());
  }

  /** 413 naming the field that is too large. */
  public static ApiProblem tooLarge(String message, List<?> errors) {
    return new ApiProblem(StatusCodes.PAYLOAD_TOO_LARGE, message, errors);
  }

  /** 503: a part of the service the request needs did not answer in time; the request may be retried. */
  public static ApiProblem unavailable(String message) {
    return new ApiProblem(StatusCodes.SERVICE_UNAVAILABLE, message, List.of());
  }

  public StatusCode status() {
    return status;
  }

  public List<?> errors() {
    return errors;
  }
}
