package io.fleetlake.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.config.KafkaSettings;
import io.fleetlake.config.PostgresSettings;
import io.fleetlake.config.Settings;
import io.fleetlake.config.WeatherSettings;
import io.fleetlake.lake.SparkSessions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
/**
 * One check per configured endpoint: reachable, credentials accepted, the bucket, topic and tables there. Each
 * answers within ~10 s when its server is unreachable. Used by doctor, and by the stall watch of a running job to
 * say which server a stalled query waits for.
 */
public final class EndpointChecks {
  private static final int TIMEOUT_SECONDS = 8;

  private EndpointChecks() {}

  public static CheckResult lake(Settings settings) {
    String root = settings.lake().root();
    boolean s3 = !settings.lake().bucket().isEmpty();
    String endpoint = !s3 ? root : settings.s3().endpoint().isEmpty() ? "AWS S3 " + settings.s3().region() : settings.s3().endpoint();
    Configuration hadoop = SparkSessions.hadoopConfiguration(settings);
    // fail in seconds, not after s3a's default minutes of retries
    hadoop.set("fs.s3a.attempts.maximum", "1");
    hadoop.set("fs.s3a.retry.limit", "1");
    hadoop.set("fs.s3a.connection.establish.timeout", Integer.toString(TIMEOUT_SECONDS * 1000));
    hadoop.set("fs.s3a.connection.timeout", Integer.toString(TIMEOUT_SECONDS * 1000));
    hadoop.set("fs.s3a.impl.disable.cache", "true");
    String credentials = settings.s3().accessKey()
        .map(k -> "keys from " + k.source()).orElse("default AWS credential chain");
    try {
      String bucketNote = "";
      if (s3) {
        Path bucket = new Path(URI.create(root).getScheme() + "://" + settings.lake().bucket() + "/");
        try (FileSystem fs = bucket.getFileSystem(hadoop)) {
          fs.listStatus(bucket);
        }
        bucketNote = "bucket " + settings.lake().bucket() + ": credentials accepted (" + credentials + "); ";
      }
      Path lakeRoot = new Path(root);
      try (FileSystem fs = lakeRoot.getFileSystem(hadoop)) {
        FileStatus[] layers = fs.exists(lakeRoot) ? fs.listStatus(lakeRoot) : new FileStatus[0];
        String rootNote = layers.length == 0
            ? "lake root " + root + " not written yet"
            : "lake root " + root + " holds " + layers.length + " folders";
        return CheckResult.ok("s3", endpoint, bucketNote + rootNote);
      }
    } catch (AccessDeniedException e) {
      return CheckResult.failed("s3", endpoint, "credentials refused (" + credentials + "): " + firstLine(e));
    } catch (FileNotFoundException e) {
      return CheckResult.failed("s3", endpoint, "bucket " + settings.lake().bucket() + " does not exist: " + firstLine(e));
    } catch (IOException | RuntimeException e) {
      String kind = e.getClass().getSimpleName().equals("UnknownStoreException")
          ? "bucket " + settings.lake().bucket() + " does not exist"
          : "unreachable or refused";
      return CheckResult.failed("s3", endpoint, kind + ": " + firstLine(e));
    }
  }

  public static CheckResult kafka(KafkaSettings kafka) {
    Properties properties = new Properties();
    properties.putAll(kafka.options());
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    properties.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 500);
    try (Admin admin = Admin.create(properties)) {
      int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
      String topicNote;
      try {
        TopicDescription topic = admin.describeTopics(List.of(kafka.topic())).allTopicNames()
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(kafka.topic());
        topicNote = "topic " + kafka.topic() + ": " + topic.partitions().size() + " partitions";
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        topicNote = "topic " + kafka.topic() + " does not exist yet (created by the broker or the simulator on first write)";
      }
      return CheckResult.ok("kafka", kafka.bootstrapServers(), brokers + (brokers == 1 ? " broker; " : " brokers; ") + topicNote);
    } catch (ExecutionException e) {
      return CheckResult.failed("kafka", kafka.bootstrapServers(), "refused: " + firstLine(e.getCause()));
    } catch (TimeoutException e) {
      return CheckResult.failed("kafka", kafka.bootstrapServers(),
          "unreachable: no broker answered within " + TIMEOUT_SECONDS + " s (check kafka.bootstrap-servers and kafka.options)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.failed("kafka", kafka.bootstrapServers(), "interrupted");
    } catch (RuntimeException e) {
      return CheckResult.failed("kafka", kafka.bootstrapServers(), firstLine(e));
    }
  }

  public static CheckResult postgres(PostgresSettings postgres) {
    String url = postgres.jdbcUrl();
    String password = postgres.password().map(p -> "password from " + p.source()).orElse("no password set");
    try (Connection connection = DriverManager.getConnection(url, postgres.connectionProperties())) {
      DatabaseMetaData meta = connection.getMetaData();
      List<String> missing = new ArrayList<>();
      for (String table : List.of("transport_units", "unit_performance")) {
        try (ResultSet rs = meta.getTables(null, null, table, new String[] {"TABLE"})) {
          if (!rs.next()) {
            missing.add(table);
          }
        }
      }
      String tables = missing.isEmpty()
          ? "source tables present"
          : "not there yet: " + String.join(", ", missing) + " (the simulator creates them)";
      return CheckResult.ok("postgres", url,
          "logged in as " + postgres.user() + " (" + password + "), PostgreSQL " + meta.getDatabaseProductVersion() + "; " + tables);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String hint = switch (state) {
        case "28P01", "28000" -> " (" + password + ")";
        case "3D000" -> " (set fleetlake.postgres.database)";
        default -> state.startsWith("08") ? " (check fleetlake.postgres.host and port)" : "";
      };
      return CheckResult.failed("postgres", url, firstLine(e) + hint);
    } catch (io.fleetlake.config.SecretsManagerSettings.SecretUnavailableException e) {
      return CheckResult.failed("postgres", url, "no password: " + e.getMessage());
    }
  }

  public static CheckResult weather(WeatherSettings weather) {
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    okhttp3.HttpUrl.Builder request = okhttp3.HttpUrl.get(weather.forecastUrl()).newBuilder()
        .addQueryParameter("latitude", "52.52").addQueryParameter("longitude", "13.41")
        .addQueryParameter("hourly", "temperature_2m").addQueryParameter("start_date", day)
        .addQueryParameter("end_date", day).addQueryParameter("timezone", "GMT");
    // a customer host refuses a request without the plan's key (401): ask as the jobs do
    weather.apiKey().ifPresent(key -> request.addQueryParameter("apikey", key.reveal()));
    okhttp3.HttpUrl url = request.build();
    OkHttpClient client = new OkHttpClient.Builder().callTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).build();
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      String body = response.body().string();
      if (!response.isSuccessful()) {
        return CheckResult.failed("weather", weather.baseUrl(), "HTTP " + response.code() + ": " + reason(body));
      }
      JsonNode hours = new ObjectMapper().readTree(body).path("hourly").path("time");
      if (!hours.isArray() || hours.isEmpty()) {
        return CheckResult.failed("weather", weather.baseUrl(), "answer has no hourly.time: not Open-Meteo-compatible?");
      }
      return CheckResult.ok("weather", weather.baseUrl(), "/v1/forecast answered " + hours.size() + " hours at 52.52,13.41");
    } catch (IOException e) {
      return CheckResult.failed("weather", weather.baseUrl(), "unreachable: " + firstLine(e));
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static String reason(String body) {
    try {
      JsonNode reason = new ObjectMapper().readTree(body).path("reason");
      return reason.isTextual() ? reason.asText() : body;
    } catch (IOException e) {
      return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
