package io.fleetlake.config;

/**
 * Where report writes the dashboard, and how many days it shows.
 *
 * @param output a local file, or any Hadoop path (s3a://bucket/reports/fleet.html)
 * @param days the latest days of the lake the dashboard shows: what it reads stays the same as the lake ages
 */
public record ReportSettings(String output, int days) {
  static ReportSettings read(SettingsReader reader) {
    return new ReportSettings(reader.string("output"), reader.intAtLeast("days", 1));
  }
}
