package io.fleetlake.config;

import java.time.Duration;

/**
 * An Open-Meteo-compatible weather API and how fleetlake uses it. Open-Meteo serves recent days and history
 * from two hosts.
 *
 * @param baseUrl serves {@code /v1/forecast}
 * @param archiveBaseUrl serves {@code /v1/archive}
 * @param gridDegrees pings are grouped in cells of this size; one cell-day is fetched and cached once
 * @param limits the provider's limits in its weight units, spent by one budget per application
 * @param archiveAfterDays days older than this come from the archive, newer from the forecast API; hours
 *     fetched before their day ended are fetched again from the archive once their day is this old
 * @param maxWait how long {@code --available-now} waits for the budget before leaving rows pending
 * @param key a customer plan's API key (FLEETLAKE_WEATHER_API_KEY), sent as {@code apikey}; null for the free
 *     API
 * @param maxAttempts tries of a call that fails for a transient reason (5xx, 429, timeout, broken answer)
 * @param circuitFailures consecutive failed calls that open the circuit: no calls for {@code circuitCooldown}
 */
public record WeatherSettings(
    String baseUrl,
    String archiveBaseUrl,
    double gridDegrees,
    Limits limits,
    int archiveAfterDays,
    Duration maxWait,
    int maxAttempts,
    Duration backoff,
    Duration connectTimeout,
    Duration readTimeout,
    int circuitFailures,
    Duration circuitCooldown,
    int cacheEntries,
    Secret key) implements java.io.Serializable {

  /** The API key, if one is set. */
  public java.util.Optional<Secret> apiKey() {
    return java.util.Optional.ofNullable(key);
  }

  /** Weight units a minute, an hour and a day; 0 for no limit (a customer plan metered by the month). */
  public record Limits(double minute, double hour, double day) implements java.io.Serializable {}

  static WeatherSettings read(SettingsReader reader, java.util.Map<String, String> env,
      SecretsManagerSettings secretsManager) {
    double grid;
    try {
      grid = Double.parseDouble(reader.string("grid-degrees"));
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(reader.fullKey("grid-degrees"), reader.string("grid-degrees"), "must be a number of degrees");
    }
    if (!(grid >= 0.001 && grid <= 5)) {
      throw new InvalidSettingException(reader.fullKey("grid-degrees"), grid, "must be between 0.001 and 5 degrees");
    }
    Limits limits = new Limits(reader.intAtLeast("limits.minute", 0), reader.intAtLeast("limits.hour", 0),
        reader.intAtLeast("limits.day", 0));
    return new WeatherSettings(reader.httpUrl("base-url"), reader.httpUrl("archive-base-url"), grid, limits,
        reader.intAtLeast("archive-after-days", 0), reader.positiveDuration("max-wait"),
        reader.intAtLeast("max-attempts", 1), reader.positiveDuration("backoff"), reader.positiveDuration("connect-timeout"),
        reader.positiveDuration("read-timeout"), reader.intAtLeast("circuit-failures", 1),
        reader.positiveDuration("circuit-cooldown"), reader.intAtLeast("cache-entries", 1),
        Secrets.weatherApiKey(env, reader.optionalString("api-key-secret-id"), secretsManager).orElse(null));
  }

  public String forecastUrl() {
    return baseUrl + "/v1/forecast";
  }

  public String archiveUrl() {
    return archiveBaseUrl + "/v1/archive";
  }
}
