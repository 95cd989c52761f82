package io.fleetlake.config;

import java.time.Duration;

/**
 * @param triggerInterval how often ingest-locations reads Kafka (a micro-batch when there are records)
 * @param tableCheckInterval how often silver-dimensions, silver-locations and gold look for new commits in the
 *     tables they read (a micro-batch only when there is one)
 * @param pollInterval how often poll-sources reads the source database
 * @param latePingHorizon how far back a late ping corrects its unit's previous-ping columns in silver
 * @param silverMaxFilesPerTrigger bronze files one silver-locations micro-batch reads at most
 * @param stallNoticeAfter a micro-batch running longer than this is reported, with what the endpoints answer
 */
public record StreamingSettings(Duration triggerInterval, Duration tableCheckInterval, Duration pollInterval,
                                Duration latePingHorizon, int silverMaxFilesPerTrigger, Duration stallNoticeAfter) {
  static StreamingSettings read(SettingsReader reader) {
    Duration horizon = reader.positiveDuration("late-ping-horizon");
    if (horizon.toDays() < 1) {
      throw new InvalidSettingException(reader.fullKey("late-ping-horizon"), horizon.toString(), "must be at least 1 day");
    }
    return new StreamingSettings(reader.positiveDuration("trigger-interval"), reader.positiveDuration("table-check-interval"),
        reader.positiveDuration("poll-interval"), horizon, reader.intAtLeast("silver-max-files-per-trigger", 1),
        reader.positiveDuration("stall-notice-after"));
  }
}
