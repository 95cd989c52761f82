package io.fleetlake.config;

import java.time.Duration;

/**
 * @param triggerInterval how often a continuous streaming job starts a micro-batch
 * @param pollInterval how often poll-sources reads the source database
 * @param latePingHorizon how far back a late ping corrects its unit's previous-ping columns in silver
 * @param silverMaxFilesPerTrigger bronze files one silver-locations micro-batch reads at most
 */
public record StreamingSettings(Duration triggerInterval, Duration pollInterval, Duration latePingHorizon,
                                int silverMaxFilesPerTrigger) {
  static StreamingSettings read(SettingsReader reader) {
    Duration horizon = reader.positiveDuration("late-ping-horizon");
    if (horizon.toDays() < 1) {
      throw new InvalidSettingException(reader.fullKey("late-ping-horizon"), horizon.toString(), "must be at least 1 day");
    }
    return new StreamingSettings(reader.positiveDuration("trigger-interval"), reader.positiveDuration("poll-interval"), horizon,
        reader.intAtLeast("silver-max-files-per-trigger", 1));
  }
}
