package io.fleetlake.local.simulator;

/** A named point: an airport, a sea port or lane waypoint, a truck depot. */
record Place(String name, double lat, double lon) {
  private static final double EARTH_RADIUS_KM = 6371.0088;

  double distanceKm(Place other) {
    return haversineKm(lat, lon, other.lat, other.lon);
  }

  static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** Initial bearing towards {@code other}, 0 ≤ b < 360. */
  double bearingTo(Place other) {
    double phi1 = Math.toRadians(lat);
    double phi2 = Math.toRadians(other.lat);
    double dLon = Math.toRadians(other.lon - lon);
    double y = Math.sin(dLon) * Math.cos(phi2);
    double x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLon);
    return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
  }

  /** The point a fraction {@code f} of the way to {@code other} along the great circle. */
  Place towards(Place other, double f) {
    double d = distanceKm(other) / EARTH_RADIUS_KM;
    if (d < 1e-9) {
      return this;
    }
    double phi1 = Math.toRadians(lat);
    double lambda1 = Math.toRadians(lon);
    double phi2 = Math.toRadians(other.lat);
    double lambda2 = Math.toRadians(other.lon);
    double a = Math.sin((1 - f) * d) / Math.sin(d);
    double b = Math.sin(f * d) / Math.sin(d);
    double x = a * Math.cos(phi1) * Math.cos(lambda1) + b * Math.cos(phi2) * Math.cos(lambda2);
    double y = a * Math.cos(phi1) * Math.sin(lambda1) + b * Math.cos(phi2) * Math.sin(lambda2);
    double z = a * Math.sin(phi1) + b * Math.sin(phi2);
    return new Place(name, Math.toDegrees(Math.atan2(z, Math.sqrt(x * x + y * y))), Math.toDegrees(Math.atan2(y, x)));
  }
}
