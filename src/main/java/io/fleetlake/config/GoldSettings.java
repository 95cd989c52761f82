package io.fleetlake.config;

/**
 * How the gold job aggregates.
 *
 * @param percentileAccuracy the accuracy of {@code percentile_approx} (relative error about 1 / accuracy)
 * @param movingSpeedKmh a ping at this speed or faster counts its interval since the previous ping as moving
 */
public record GoldSettings(int percentileAccuracy, int movingSpeedKmh) {
  static GoldSettings read(SettingsReader reader) {
    return new GoldSettings(reader.intAtLeast("percentile-accuracy", 100), reader.intAtLeast("moving-speed-kmh", 0));
  }
}
