package io.fleetlake.config;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.SdkClientException;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.auth.DefaultAWSCredentialsProviderChain;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.secretsmanager.AWSSecretsManager;
import com.amazonaws.services.secretsmanager.AWSSecretsManagerClientBuilder;
import com.amazonaws.services.secretsmanager.model.GetSecretValueRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AWS Secrets Manager, where a password or key may live instead of the environment: read with the AWS SDK for
 * Java v1 that EMR (and hadoop-aws locally) puts on Spark's classpath, by whichever JVM needs the value (the
 * driver, or an executor: what travels with a task is the secret's id, never its value), cached for an hour
 * as AWS's caching client does, and never written to Spark's or Hadoop's configuration.
 *
 * @param endpoint empty for the region's own endpoint; the local stack's stand-in locally
 * @param accessKey with {@code secretKey}: the local stack's keys; absent, the default AWS credential chain (the
 *     instance profile, a step's runtime role)
 */
public record SecretsManagerSettings(String endpoint, String region, Optional<Secret> accessKey,
    Optional<Secret> secretKey) {
  static final Duration CACHED_FOR = Duration.ofHours(1);
  private static final Map<Lookup, Cached> CACHE = new ConcurrentHashMap<>();

  private record Cached(String value, long at) {}

  static SecretsManagerSettings read(SettingsReader reader, S3Settings s3) {
    String endpoint = reader.optionalString("endpoint");
    if (!endpoint.isEmpty()) {
      reader.httpUrl("endpoint");
    }
    String region = reader.optionalString("region");
    return new SecretsManagerSettings(endpoint, region.isEmpty() ? s3.region() : region, s3.accessKey(), s3.secretKey());
  }

  /**
   * The secret {@code secretId}, if one is named: its SecretString, or {@code field} of it when it is a JSON
   * object (an RDS secret holds {"username", "password", …}).
   */
  Optional<Secret> secret(String secretId, String field) {
    return secretId.isBlank() ? Optional.empty()
        : Optional.of(Secret.lookedUp(new Lookup(endpoint, region, accessKey.orElse(null), secretKey.orElse(null), secretId,
            field)));
  }

  /** One secret's value, fetched when first revealed in a JVM. Keys null: the default credential chain. */
  record Lookup(String endpoint, String region, Secret accessKey, Secret secretKey, String secretId, String field)
      implements Secret.Source {
    @Override
    public String describe() {
      return "AWS Secrets Manager secret " + secretId;
    }

    @Override
    public String fetch() {
      Cached cached = CACHE.get(this);
      if (cached != null && System.currentTimeMillis() - cached.at() < CACHED_FOR.toMillis()) {
        return cached.value();
      }
      String value = pick(fetchString());
      CACHE.put(this, new Cached(value, System.currentTimeMillis()));
      return value;
    }

    private String fetchString() {
      CredentialSafeLogging.apply(); // the answer's body holds the value: no wire log of it, even at DEBUG
      AWSSecretsManagerClientBuilder builder = AWSSecretsManagerClientBuilder.standard();
      if (endpoint.isEmpty()) {
        builder.withRegion(region);
      } else {
        builder.withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, region));
      }
      if (accessKey != null && secretKey != null) {
        builder.withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey.reveal(),
            secretKey.reveal())));
      } else {
        builder.withCredentials(DefaultAWSCredentialsProviderChain.getInstance());
      }
      AWSSecretsManager client = builder.build();
      try {
        String value = client.getSecretValue(new GetSecretValueRequest().withSecretId(secretId)).getSecretString();
        if (value == null) {
          throw new SecretUnavailableException(describe() + " holds binary data, not a string");
        }
        return value;
      } catch (AmazonServiceException e) {
        // the service's code and message name the problem; the request id helps AWS support, nothing is secret
        throw new SecretUnavailableException("could not read " + describe() + " (" + where() + "): " + e.getErrorCode()
            + ": " + e.getErrorMessage());
      } catch (SdkClientException e) {
        throw new SecretUnavailableException("could not reach AWS Secrets Manager for " + describe() + " (" + where()
            + "): " + e.getMessage());
      } finally {
        client.shutdown();
      }
    }

    /** The whole string, or one field of a JSON object; never the value in a message. */
    private String pick(String secretString) {
      String trimmed = secretString.strip();
      if (!trimmed.startsWith("{")) {
        return secretString;
      }
      JsonNode json;
      try {
        json = new ObjectMapper().readTree(trimmed);
      } catch (IOException e) {
        throw new SecretUnavailableException(describe() + " starts like JSON but is not: give the value itself, or a "
            + "JSON object with \"" + field + "\"");
      }
      JsonNode value = json.get(field);
      if (value == null || !value.isValueNode()) {
        throw new SecretUnavailableException(describe() + " is a JSON object without \"" + field + "\" (it has "
            + String.join(", ", (Iterable<String>) json::fieldNames) + ")");
      }
      return value.asText();
    }

    private String where() {
      return (endpoint.isEmpty() ? "region " : endpoint + ", region ") + region;
    }
  }

  /** A secret that could not be read: the job fails where it needs it, with this reason. */
  public static final class SecretUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SecretUnavailableException(String message) {
      super(message);
    }
  }
}
