package io.fleetlake.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The fault tests' measure of "nothing lost, nothing twice": every offset of the topic in bronze exactly once. */
public final class KafkaOffsets {
  private KafkaOffsets() {}

  /** The end offset of every partition of the topic (what was produced, from offset 0). */
  public static Map<Integer, Long> endOffsets(String bootstrap, String topic) throws Exception {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(properties)) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<Integer, Long> result = new HashMap<>();
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(latest).all().get().entrySet()) {
        result.put(e.getKey().partition(), e.getValue().offset());
      }
      return result;
    }
  }

  /** The (partition, offset) of every row of bronze/locations and its quarantine under {@code root}. */
  public static Dataset<Row> inBronze(SparkSession spark, String root) {
    return spark.read().format("delta").load(root + "/bronze/locations").select("kafka_partition", "kafka_offset")
        .union(spark.read().format("delta").load(root + "/bronze/locations_quarantine").select("kafka_partition", "kafka_offset"));
  }

  /** A condition matching the offsets a topic does not have (negative, or past a partition's end). */
  public static String outside(Map<Integer, Long> endOffsets) {
    return "kafka_offset < 0 OR " + endOffsets.entrySet().stream()
        .map(e -> "(kafka_partition = " + e.getKey() + " AND kafka_offset >= " + e.getValue() + ")")
        .collect(Collectors.joining(" OR "));
  }
}
