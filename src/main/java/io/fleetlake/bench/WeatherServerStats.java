package io.fleetlake.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.config.WeatherSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What the local weather server counted (its {@code /admin/stats}): the HTTP calls fleetlake made, not what
 * fleetlake thinks it made. The benchmark needs the local stack's server for this; Open-Meteo has no such page.
 */
public final class WeatherServerStats {
  /** The server's counts since the last {@link #reset()}. */
  public record Snapshot(long calls, long locationDays, double weight, double peakWeightPerMinute, long rateLimited,
                         long faultsServed) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public WeatherServerStats(WeatherSettings weather) {
    this.baseUrl = weather.baseUrl();
  }

  /** Clears the counts (and any queued fault) so that the next snapshot counts one stage alone. */
  public void reset() throws IOException, InterruptedException {
    send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/reset")).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public Snapshot snapshot() throws IOException, InterruptedException {
    JsonNode stats = JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/stats")).GET()));
    return new Snapshot(stats.path("calls").asLong(), stats.path("location_days").asLong(), stats.path("weight").asDouble(),
        stats.path("peak_weight_per_minute").asDouble(), stats.path("rate_limited").asLong(),
        stats.path("faults_served").asLong());
  }

  private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("the weather server at " + baseUrl + " does not answer (" + e.getMessage()
          + "): bench counts calls on the local stack's server; start it with scripts/local-stack up", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(baseUrl + " answered " + response.statusCode() + " to " + response.uri().getPath()
          + ": bench needs the local stack's weather server (its /admin pages count the calls), not the real API");
    }
    return response.body();
  }
}
