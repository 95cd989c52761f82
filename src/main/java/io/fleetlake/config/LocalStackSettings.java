package io.fleetlake.config;

import java.nio.file.Path;

/**
 * The servers {@code scripts/local-stack} starts on loopback. Ports are settings so that two stacks (the
 * tests' and a demo) can run side by side.
 *
 * @param dir where each server keeps its data, logs and pid (git-ignored)
 * @param kafkaPartitions of the locations topic the stack creates
 * @param weatherLimits the weather server's limits, as Open-Meteo's (minute, hour, day; 0 none)
 */
public record LocalStackSettings(
    Path dir,
    String bucket,
    int kafkaPort,
    int kafkaControllerPort,
    int kafkaPartitions,
    int postgresPort,
    int s3Port,
    int weatherPort,
    WeatherSettings.Limits weatherLimits,
    int secretsManagerPort) {

  static LocalStackSettings read(SettingsReader reader) {
    return new LocalStackSettings(
        Path.of(reader.string("dir")),
        reader.string("bucket"),
        reader.port("kafka-port"),
        reader.port("kafka-controller-port"),
        reader.intAtLeast("kafka-partitions", 1),
        reader.port("postgres-port"),
        reader.port("s3-port"),
        reader.port("weather-port"),
        new WeatherSettings.Limits(reader.intAtLeast("weather-limits.minute", 0),
            reader.intAtLeast("weather-limits.hour", 0), reader.intAtLeast("weather-limits.day", 0)),
        reader.port("secrets-manager-port"));
  }
}
