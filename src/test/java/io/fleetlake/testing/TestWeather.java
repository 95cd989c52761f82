package io.fleetlake.testing;

import io.fleetlake.config.Settings;
import io.fleetlake.local.weather.WeatherServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings that point the weather client at a weather server of the test. */
public final class TestWeather {
  private TestWeather() {}

  /** {@code more} are further FLEETLAKE_ variables, over these defaults. */
  public static Settings settings(WeatherServer server, Map<String, String> more) {
    String url = "http://127.0.0.1:" + server.port();
    Map<String, String> env = new HashMap<>(Map.of("FLEETLAKE_WEATHER_BASE_URL", url,
        "FLEETLAKE_WEATHER_ARCHIVE_BASE_URL", url));
    env.putAll(more);
    return Settings.load(List.of(), env);
  }
}
