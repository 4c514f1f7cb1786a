package io.sluice.orchestrator.classifier;

/**
 * The classifier's answer about one call.
 *
 * @param score the refined score, 0 to 100
 * @param label how warm the lead is
 * @param reason why, in words for the sales team
 */
public record Classification(int score, Label label, String reason) {

  public enum Label {
    HOT,
    WARM,
    COLD
  }

  /** Why the answer is unusable, or null if it is sound. */
  String problem() {
    if (score < 0 || score > 100) {
      return "score must lie between 0 and 100, was " + score;
    }
    return label == null ? "label is missing" : null;
  }
}
