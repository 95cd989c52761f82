package io.fleetlake.config;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Where the lake lives: every table under {@code <root>/<layer>/<name>}, every checkpoint under
 * {@code <root>/_checkpoints/<job>/<query>}.
 *
 * @param leaseTtl how long a writing job's lease on its tables outlives its last heartbeat
 */
public record LakeSettings(String root, Duration leaseTtl) {
  private static final Set<String> SCHEMES = Set.of("s3a", "s3", "file");

  /** With the default lease ttl, for code that only reads and writes tables. */
  public LakeSettings(String root) {
    this(root, Duration.ofMinutes(2));
  }

  static LakeSettings read(SettingsReader reader) {
    String value = reader.string("root");
    String allowed = "must be a URI with scheme s3a, s3 or file, e.g. s3a://fleet-lake/lake or file:/data/lake";
    URI uri = reader.uri("root", value, allowed);
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
      throw new InvalidSettingException(reader.fullKey("root"), value, allowed);
    }
    if (!"file".equals(uri.getScheme()) && (uri.getHost() == null || uri.getHost().isEmpty())) {
      throw new InvalidSettingException(reader.fullKey("root"), value, "must name a bucket, e.g. s3a://fleet-lake/lake");
    }
    return new LakeSettings(value.endsWith("/") ? value.substring(0, value.length() - 1) : value,
        reader.positiveDuration("lease-ttl"));
  }

  public String table(String layer, String name) {
    return root + "/" + layer + "/" + name;
  }

  public String layer(String layer) {
    return root + "/" + layer;
  }

  public String checkpoint(String job, String query) {
    return root + "/_checkpoints/" + job + "/" + query;
  }

  /** The bucket of an s3/s3a root; empty for a file root. */
  public String bucket() {
    URI uri = URI.create(root);
    return "file".equals(uri.getScheme()) ? "" : uri.getHost();
  }
}
