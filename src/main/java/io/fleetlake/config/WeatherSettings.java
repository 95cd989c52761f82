package io.fleetlake.config;

/**
 * An Open-Meteo-compatible weather API. Open-Meteo serves recent days and history from two hosts.
 *
 * @param baseUrl serves {@code /v1/forecast}
 * @param archiveBaseUrl serves {@code /v1/archive}
 */
public record WeatherSettings(String baseUrl, String archiveBaseUrl) {
  static WeatherSettings read(SettingsReader reader) {
    return new WeatherSettings(reader.httpUrl("base-url"), reader.httpUrl("archive-base-url"));
  }

  public String forecastUrl() {
    return baseUrl + "/v1/forecast";
  }

  public String archiveUrl() {
    return archiveBaseUrl + "/v1/archive";
  }
}
