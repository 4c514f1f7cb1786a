package io.sluice.orchestrator.provider;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The JSON answer of {@code POST /v1/calls}. Jackson 2.11 needs the creator on a single-field record. */
record CallCreated(String callId) {
  @JsonCreator
  CallCreated(@JsonProperty("callId") String callId) {
    this.callId = callId;
  }
}
