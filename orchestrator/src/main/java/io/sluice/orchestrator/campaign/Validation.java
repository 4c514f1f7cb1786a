package io.sluice.orchestrator.campaign;

import java.util.List;

/**
 * The outcome of validating input as a whole: either everything was valid, or the complete list of problems and
 * nothing usable. There is no partial result, so a caller cannot store half a campaign by mistake.
 */
public sealed interface Validation<T> {

  /** All input was valid. */
  record Valid<T>(T value) implements Validation<T> {}

  /** At least one problem; {@code errors} lists every one found. */
  record Invalid<T>(List<FieldError> errors) implements Validation<T> {
    public Invalid {
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("an invalid result needs at least one error");
      }
      errors = List.copyOf(errors);
    }
  }

  /** Valid with {@code value} when {@code errors} is empty, else invalid with them. */
  static <T> Validation<T> of(List<FieldError> errors, java.util.function.Supplier<T> value) {
    return errors.isEmpty() ? new Valid<>(value.get()) : new Invalid<>(errors);
  }
}
