package io.fleetlake.enrich;

/** The weather of one hour in one cell; any value may be missing (null) where the API has none. */
public record HourlyWeather(Double temperatureC, Double precipitationMm, Double windSpeedKmh, Double windGustsKmh,
                            Double visibilityM, Integer weatherCode) {}
