package io.fleetlake.config;

import java.util.Map;

/**
 * What fleetlake sets in Spark so that nobody has to pass {@code --conf} for the basics. Every value is a
 * default only: a {@code --conf} given to spark-submit wins.
 *
 * @param conf any further Spark setting, from {@code fleetlake.spark.conf}
 */
public record SparkSettings(String appName, int shufflePartitions, String sessionTimeZone, Map<String, String> conf) {
  static SparkSettings read(SettingsReader reader) {
    return new SparkSettings(
        reader.string("app-name"),
        reader.intAtLeast("shuffle-partitions", 1),
        reader.string("session-time-zone"),
        Map.copyOf(reader.passThrough("conf")));
  }

  @Override
  public String toString() {
    return "SparkSettings[appName=" + appName + ", shufflePartitions=" + shufflePartitions + ", sessionTimeZone=" + sessionTimeZone + ", conf=" + Secret.masked(conf) + "]";
  }
}
