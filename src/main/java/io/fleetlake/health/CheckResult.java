package io.fleetlake.health;

/**
 * What doctor found at one endpoint.
 *
 * @param server s3, kafka, postgres or weather
 * @param endpoint where it looked (never with credentials)
 * @param detail what it saw, or what is wrong and what to do about it
 */
public record CheckResult(String server, String endpoint, boolean ok, String detail) {
  public static CheckResult ok(String server, String endpoint, String detail) {
    return new CheckResult(server, endpoint, true, detail);
  }

  public static CheckResult failed(String server, String endpoint, String detail) {
    return new CheckResult(server, endpoint, false, detail);
  }

  public String line() {
    return String.format("%-4s  %-8s  %-40s  %s", ok ? "OK" : "FAIL", server, endpoint, detail);
  }
}
