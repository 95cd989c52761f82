package io.fleetlake.config;

/**
 * How train-model splits and where it keeps models.
 *
 * @param testDays the latest days of gold/resource_usage_features held out for testing (a time-based split)
 */
public record ModelSettings(int testDays) {
  static ModelSettings read(SettingsReader reader) {
    return new ModelSettings(reader.intAtLeast("test-days", 1));
  }
}
