package io.fleetlake.sources;

import io.fleetlake.config.IngestSettings;
import io.fleetlake.config.KafkaSettings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

/** The ping topic as a stream of Kafka records (key, value, topic, partition, offset, timestamp). */
public final class KafkaLocations {
  private KafkaLocations() {}

  public static Dataset<Row> stream(SparkSession spark, KafkaSettings kafka, IngestSettings ingest) {
    DataStreamReader reader = spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", kafka.bootstrapServers())
        .option("subscribe", kafka.topic())
        .option("startingOffsets", ingest.startingOffsets())
        .option("failOnDataLoss", ingest.failOnDataLoss());
    if (ingest.maxOffsetsPerTrigger() > 0) {
      reader = reader.option("maxOffsetsPerTrigger", ingest.maxOffsetsPerTrigger());
    }
    for (var option : kafka.options().entrySet()) {
      reader = reader.option("kafka." + option.getKey(), option.getValue());
    }
    return reader.load();
  }
}
