package io.fleetlake.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The weather server's test endpoints: counters, injected faults, reset. */
public final class WeatherAdmin {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final String baseUrl;

  public WeatherAdmin(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public void reset() throws IOException, InterruptedException {
    post("/admin/reset");
  }

  /** e.g. {@code fault("kind=status&status=500&count=3")} */
  public void fault(String query) throws IOException, InterruptedException {
    post("/admin/faults?" + query);
  }

  public JsonNode stats() throws IOException, InterruptedException {
    return new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/stats")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  public int calls() throws IOException, InterruptedException {
    return stats().get("calls").asInt();
  }

  private void post(String pathAndQuery) throws IOException, InterruptedException {
    HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
