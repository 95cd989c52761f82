package io.fleetlake.it;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.Settings;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The three paths every later job stands on, against the real servers of the local stack. */
@ExtendWith(LocalStackExtension.class)
class SmokeIT {
  private static final StructType UNITS = new StructType()
      .add("unit_id", DataTypes.StringType)
      .add("unit_type", DataTypes.StringType)
      .add("max_payload_kg", DataTypes.IntegerType);

  private static TestStack stack;
  private static Settings settings;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    stack = LocalStackExtension.stack();
    settings = stack.settings();
    spark = TestSpark.session(settings);
  }

  private static Dataset<Row> units(Row... rows) {
    return spark.createDataFrame(List.of(rows), UNITS);
  }

  @Test
  void deltaOnTheS3ServerWritesMergesAndReadsBack() {
    String path = settings.lake().table("bronze", "smoke_units");
    assertTrue(path.startsWith("s3a://fleet-lake/"), path);
    units(RowFactory.create("ship-1", "maritime", 9000), RowFactory.create("plane-1", "aerial", 20000),
        RowFactory.create("truck-1", "terrestrial", 18000))
        .write().format("delta").mode("overwrite").save(path);

    DeltaTable.forPath(spark, path).as("t")
        .merge(units(RowFactory.create("truck-1", "terrestrial", 24000), RowFactory.create("truck-2", "terrestrial", 12000))
            .as("u"), "t.unit_id = u.unit_id")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();

    Dataset<Row> expected = units(RowFactory.create("ship-1", "maritime", 9000), RowFactory.create("plane-1", "aerial", 20000),
        RowFactory.create("truck-1", "terrestrial", 24000), RowFactory.create("truck-2", "terrestrial", 12000));
    assertSameRows(expected, spark.read().format("delta").load(path));
    assertSameRows(expected, spark.sql("SELECT * FROM bronze.smoke_units"));
    assertEquals(2L, DeltaTable.forPath(spark, path).history().count(), "a write and a merge");
    // the bytes went to the stack's S3 server, not anywhere else
    Path log = stack.dir().resolve("s3/data/fleet-lake/it-lake/bronze/smoke_units/_delta_log/00000000000000000001.json");
    assertTrue(Files.exists(log), log + " missing");
  }

  @Test
  void kafkaIntoDeltaWithAvailableNowResumesFromItsCheckpoint() throws Exception {
    String topic = "smoke.pings";
    String path = settings.lake().table("bronze", "smoke_pings");
    produce(topic, 0, 500);
    assertEquals(500, ingestAvailable(topic, path));
    produce(topic, 500, 120);
    assertEquals(620, ingestAvailable(topic, path), "the second run reads only what is new");
    Row offsets = spark.read().format("delta").load(path)
        .selectExpr("count(DISTINCT partition, offset)", "count(DISTINCT unit_id)", "count(*)").first();
    assertEquals(620L, offsets.getLong(0), "each record once");
    assertEquals(60L, offsets.getLong(1));
  }

  private static long ingestAvailable(String topic, String path) throws Exception {
    StreamingQuery query = spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", settings.kafka().bootstrapServers())
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load()
        .selectExpr("CAST(key AS STRING) AS unit_id", "CAST(value AS STRING) AS json", "partition", "offset")
        .writeStream().format("delta")
        .option("checkpointLocation", settings.lake().checkpoint("smoke", "pings"))
        .trigger(Trigger.AvailableNow())
        .start(path);
    query.awaitTermination();
    return spark.read().format("delta").load(path).count();
  }

  private static void produce(String topic, int from, int count) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      for (int i = from; i < from + count; i++) {
        String unit = "unit-" + (i % 60);
        producer.send(new ProducerRecord<>(topic, unit, "{\"event_id\":\"e" + i + "\",\"unit_id\":\"" + unit + "\"}"));
      }
      producer.flush();
    }
  }

  @Test
  void postgresReadsOverJdbcWithThePasswordFromTheEnvironment() throws Exception {
    try (Connection connection = DriverManager.getConnection(settings.postgres().jdbcUrl(),
        settings.postgres().connectionProperties()); Statement sql = connection.createStatement()) {
      sql.execute("DROP TABLE IF EXISTS smoke_units");
      sql.execute("CREATE TABLE smoke_units (unit_id text PRIMARY KEY, unit_type text NOT NULL, max_payload_kg int)");
      sql.execute("INSERT INTO smoke_units VALUES ('ship-1', 'maritime', 9000), ('plane-1', 'aerial', 20000), "
          + "('truck-1', 'terrestrial', NULL)");
    }
    Properties jdbc = settings.postgres().connectionProperties();
    Dataset<Row> read = spark.read().jdbc(settings.postgres().jdbcUrl(), "smoke_units", jdbc);
    assertSameRows(units(RowFactory.create("ship-1", "maritime", 9000), RowFactory.create("plane-1", "aerial", 20000),
        RowFactory.create("truck-1", "terrestrial", null)), spark.createDataFrame(read.collectAsList(), UNITS));
  }
}
