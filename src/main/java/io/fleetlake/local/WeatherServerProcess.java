package io.fleetlake.local;

import io.fleetlake.config.WeatherSettings;
import io.fleetlake.local.weather.WeatherServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** fleetlake's own Open-Meteo-compatible server ({@link WeatherServer}), in a JVM of its own. */
final class WeatherServerProcess extends LocalServer {
  private final WeatherSettings.Limits limits;

  WeatherServerProcess(Path stackDir, int port, WeatherSettings.Limits limits) {
    super("weather", port, stackDir);
    this.limits = limits;
  }

  @Override
  long launch() throws IOException {
    return Processes.launch(List.of(Processes.javaBinary(), "-Xmx192m", "-cp", Processes.absoluteClassPath(),
        WeatherServer.class.getName(), "--host", HOST, "--port", Integer.toString(port()), "--limits",
        String.format(Locale.ROOT, "%.0f,%.0f,%.0f", limits.minute(), limits.hour(), limits.day())), dir, log());
  }


  @Override
  String detail() {
    return "/v1/forecast, /v1/archive, /admin/stats; limits " + (limits.minute() == 0 && limits.hour() == 0 && limits.day() == 0
        ? "none" : String.format(Locale.ROOT, "%.0f/min, %.0f/h, %.0f/day (weight)", limits.minute(), limits.hour(), limits.day()));
  }
}
