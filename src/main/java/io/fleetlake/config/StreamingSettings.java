package io.fleetlake.config;

import java.time.Duration;

/**
 * @param triggerInterval how often a continuous streaming job starts a micro-batch
 * @param pollInterval how often poll-sources reads the source database
 */
public record StreamingSettings(Duration triggerInterval, Duration pollInterval) {
  static StreamingSettings read(SettingsReader reader) {
    return new StreamingSettings(reader.positiveDuration("trigger-interval"), reader.positiveDuration("poll-interval"));
  }
}
