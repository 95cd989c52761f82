package io.fleetlake.local;

import io.fleetlake.local.weather.WeatherServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** fleetlake's own Open-Meteo-compatible server ({@link WeatherServer}), in a JVM of its own. */
final class WeatherServerProcess extends LocalServer {
  WeatherServerProcess(Path stackDir, int port) {
    super("weather", port, stackDir);
  }

  @Override
  long launch() throws IOException {
    return Processes.launch(List.of(Processes.javaBinary(), "-Xmx192m", "-cp", absoluteClassPath(),
        WeatherServer.class.getName(), "--host", HOST, "--port", Integer.toString(port())), dir, log());
  }

  /** This JVM's class path, made absolute: the server runs in its own folder. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Override
  String detail() {
    return "/v1/forecast, /v1/archive, /admin/stats";
  }
}
