package io.sluice.protocols;

/**
 * Marker for every message, event and snapshot that may cross a node or reach the journal: bound to Akka's Jackson
 * CBOR serializer. Jackson here is 2.11 (pinned by Akka 2.6), which predates records: a single-field record needs
 * {@code @JsonCreator} on its constructor.
 */
public interface CborSerializable {}
