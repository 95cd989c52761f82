package io.fleetlake.config;

import java.util.List;

/**
 * How ingest-locations reads the ping topic.
 *
 * @param startingOffsets where a new checkpoint starts: earliest or latest
 * @param failOnDataLoss stop when Kafka deleted offsets not read yet, instead of skipping them
 * @param maxOffsetsPerTrigger records per micro-batch at most; 0 for no bound
 */
public record IngestSettings(String startingOffsets, boolean failOnDataLoss, long maxOffsetsPerTrigger) {
  static IngestSettings read(SettingsReader reader) {
    return new IngestSettings(reader.oneOf("starting-offsets", List.of("earliest", "latest")),
        reader.flag("fail-on-data-loss"), reader.intAtLeast("max-offsets-per-trigger", 0));
  }
}
