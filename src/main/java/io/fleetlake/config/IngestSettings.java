package io.fleetlake.config;

import io.fleetlake.bronze.EventTimeRange;
import java.util.List;

/**
 * How ingest-locations reads the ping topic.
 *
 * @param startingOffsets where a new checkpoint starts when the lake holds no offsets of the topic yet: earliest
 *     or latest
 * @param failOnDataLoss stop when Kafka deleted offsets not read yet, instead of skipping them
 * @param maxOffsetsPerTrigger records per micro-batch at most; 0 for no bound
 * @param eventTimes the event times a ping may claim; others are quarantined as OUT_OF_RANGE
 */
public record IngestSettings(String startingOffsets, boolean failOnDataLoss, long maxOffsetsPerTrigger,
    EventTimeRange eventTimes) {
  static IngestSettings read(SettingsReader reader) {
    return new IngestSettings(reader.oneOf("starting-offsets", List.of("earliest", "latest")),
        reader.flag("fail-on-data-loss"), reader.intAtLeast("max-offsets-per-trigger", 0),
        eventTimes(reader));
  }

  private static EventTimeRange eventTimes(SettingsReader reader) {
    java.time.Instant earliest = reader.instant("earliest-event-time");
    if (earliest.isBefore(EventTimeRange.LOWEST)) {
      throw new InvalidSettingException(reader.fullKey("earliest-event-time"), earliest,
          "must be " + EventTimeRange.LOWEST + " or later");
    }
    java.time.Duration maxFuture = reader.positiveDuration("max-future");
    if (maxFuture.compareTo(EventTimeRange.LONGEST_FUTURE) > 0) {
      throw new InvalidSettingException(reader.fullKey("max-future"), maxFuture,
          "must be at most " + EventTimeRange.LONGEST_FUTURE.toDays() + " days");
    }
    return new EventTimeRange(earliest, maxFuture);
  }
}
