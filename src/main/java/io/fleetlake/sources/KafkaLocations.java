package io.fleetlake.sources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.config.IngestSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import io.fleetlake.config.KafkaSettings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

/** The ping topic as a stream of Kafka records (key, value, topic, partition, offset, timestamp). */
public final class KafkaLocations {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private KafkaLocations() {}

  /** The topic from {@code ingest.starting-offsets} when a new checkpoint starts. */
  public static Dataset<Row> stream(SparkSession spark, KafkaSettings kafka, IngestSettings ingest) {
    return stream(spark, kafka, ingest, ingest.startingOffsets());
  }

  /**
   * @param startingOffsets where a new checkpoint starts: earliest, latest or Spark's JSON of offsets per
   *     partition ({@link #after}); a query resuming its checkpoint ignores it
   */
  public static Dataset<Row> stream(SparkSession spark, KafkaSettings kafka, IngestSettings ingest,
      String startingOffsets) {
    DataStreamReader reader = spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", kafka.bootstrapServers())
        .option("subscribe", kafka.topic())
        .option("startingOffsets", startingOffsets)
        .option("failOnDataLoss", ingest.failOnDataLoss());
    if (ingest.maxOffsetsPerTrigger() > 0) {
      reader = reader.option("maxOffsetsPerTrigger", ingest.maxOffsetsPerTrigger());
    }
    for (var option : kafka.options().entrySet()) {
      reader = reader.option("kafka." + option.getKey(), option.getValue());
    }
    return reader.load();
  }

  /**
   * Spark's startingOffsets JSON that starts each partition after its offset in {@code held} and every other
   * partition of the topic at {@code ingest.starting-offsets} (Spark wants every partition named).
   */
  public static String after(Map<Integer, Long> held, KafkaSettings kafka, IngestSettings ingest) {
    long otherwise = "latest".equals(ingest.startingOffsets()) ? -1 : -2; // Spark's codes for latest, earliest
    Map<Integer, Long> start = new TreeMap<>();
    for (int partition : partitions(kafka)) {
      start.put(partition, held.containsKey(partition) ? held.get(partition) + 1 : otherwise);
    }
    held.forEach((partition, offset) -> start.putIfAbsent(partition, offset + 1));
    return start.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining(",", "{" + quoted(kafka.topic()) + ":{", "}}"));
  }

  private static List<Integer> partitions(KafkaSettings kafka) {
    Properties properties = new Properties();
    properties.putAll(kafka.options());
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(properties)) {
      TopicDescription topic = admin.describeTopics(List.of(kafka.topic())).allTopicNames()
          .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(kafka.topic());
      return topic.partitions().stream().map(TopicPartitionInfo::partition).toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the partitions of " + kafka.topic() + " at "
          + kafka.bootstrapServers() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing the partitions of " + kafka.topic(), e);
    }
  }

  private static String quoted(String text) {
    try {
      return new ObjectMapper().writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
