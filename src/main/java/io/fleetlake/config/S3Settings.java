package io.fleetlake.config;

import java.util.Map;
import java.util.Optional;

/**
 * The S3 endpoint of the lake (AWS, MinIO or the local stack's server).
 *
 * @param endpoint empty for AWS's own endpoint of {@code region}
 * @param accessKey with {@code secretKey}, from the environment; both absent means the default AWS
 *     credential chain (instance profile on EMR)
 */
public record S3Settings(
    String endpoint,
    String region,
    boolean pathStyleAccess,
    boolean sslEnabled,
    Optional<Secret> accessKey,
    Optional<Secret> secretKey) {

  static S3Settings read(SettingsReader reader, Map<String, String> env, boolean devCredentials) {
    String endpoint = reader.optionalString("endpoint");
    if (!endpoint.isEmpty()) {
      reader.httpUrl("endpoint");
    }
    Optional<Secret> accessKey = Secrets.s3AccessKey(env, devCredentials);
    Optional<Secret> secretKey = Secrets.s3SecretKey(env, devCredentials);
    if (accessKey.isPresent() != secretKey.isPresent()) {
      String missing = accessKey.isPresent() ? Secrets.S3_SECRET_KEY : Secrets.S3_ACCESS_KEY;
      throw new InvalidSettingException(missing,
          "set both " + Secrets.S3_ACCESS_KEY + " and " + Secrets.S3_SECRET_KEY + ", or neither (default AWS credential chain)");
    }
    return new S3Settings(endpoint, reader.string("region"), reader.flag("path-style-access"),
        reader.flag("ssl-enabled"), accessKey, secretKey);
  }

  public boolean hasStaticKeys() {
    return accessKey.isPresent();
  }
}
