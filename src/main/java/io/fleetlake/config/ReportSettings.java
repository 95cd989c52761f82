package io.fleetlake.config;

/**
 * Where report writes the dashboard.
 *
 * @param output a local file, or any Hadoop path (s3a://bucket/reports/fleet.html)
 */
public record ReportSettings(String output) {
  static ReportSettings read(SettingsReader reader) {
    return new ReportSettings(reader.string("output"));
  }
}
