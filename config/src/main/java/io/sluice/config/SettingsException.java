package io.sluice.config;

import java.util.List;

/** Start-up refusal: every problem names the setting (key) and why its value is wrong. */
public final class SettingsException extends RuntimeException {
  private final List<String> problems;

  public SettingsException(List<String> problems) {
    super("Invalid Sluice configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
