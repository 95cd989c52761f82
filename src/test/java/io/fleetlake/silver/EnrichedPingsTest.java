package io.fleetlake.silver;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.testing.TestSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * silver-locations' computations over a few hand-made pings, without a lake or a weather server: what a batch
 * keeps, which earlier pings a late one corrects and how, and the unit each ping is described by.
 */
class EnrichedPingsTest {
  private static SparkSession spark;
  /** silver's pings: unit A at 10:00, 10:30 and 11:00 going north; B at 10:10; A five days before. */
  private static Dataset<Row> silver;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
    silver = spark.sql("""
        SELECT event_id, unit_id, CAST(event_time AS TIMESTAMP) AS event_time, lat, lon,
               to_date(CAST(event_time AS TIMESTAMP)) AS event_date
        FROM VALUES
          ('a-1000', 'A', '2026-11-20 10:00:00', 50.00D, 8.0D),
          ('a-1030', 'A', '2026-11-20 10:30:00', 50.02D, 8.0D),
          ('a-1100', 'A', '2026-11-20 11:00:00', 50.04D, 8.0D),
          ('b-1010', 'B', '2026-11-20 10:10:00', 40.00D, 2.0D),
          ('a-old',  'A', '2026-11-15 09:00:00', 49.00D, 8.0D)
        AS t(event_id, unit_id, event_time, lat, lon)""");
  }

  /** Bronze's rows of a batch, with the columns bronze has and silver does not take. */
  private static Dataset<Row> bronze(String values) {
    return spark.sql("""
        SELECT event_id, unit_id, CAST(event_time AS TIMESTAMP) AS event_time, lat, lon, 60.0D AS speed_kmh,
               45.0D AS heading_deg, CAST(NULL AS DOUBLE) AS altitude_m, 80.0D AS fuel_level_pct,
               CAST(array() AS array<string>) AS quality_flags, 0 AS kafka_partition, offset AS kafka_offset,
               TIMESTAMP '2026-11-20 12:00:00' AS ingest_time, to_date(CAST(event_time AS TIMESTAMP)) AS event_date,
               'fleet.locations' AS kafka_topic
        FROM VALUES %s AS t(event_id, unit_id, event_time, lat, lon, offset)""".formatted(values));
  }

  @Test
  void aBatchKeepsEachPingOnceAndOnlyThoseSilverLacks() {
    Dataset<Row> batch = bronze("""
        ('a-1015', 'A', '2026-11-20 10:15:00', 50.01D, 8.0D, 7L),
        ('a-1015', 'A', '2026-11-20 10:15:00', 50.01D, 8.0D, 8L),
        ('a-1030', 'A', '2026-11-20 10:30:00', 50.02D, 8.0D, 9L)""");
    Dataset<Row> pings = EnrichedPings.pings(batch);
    assertEquals(EnrichedPings.PING, List.of(pings.columns()), "silver's columns, in silver's order");
    assertEquals(2, pings.count(), "a re-sent ping once");
    assertEquals(List.of(java.sql.Date.valueOf("2026-11-20")), Arrays.asList(EnrichedPings.days(pings)));
    assertEquals(List.of("a-1015"), EnrichedPings.newPings(pings, silver).select("event_id").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList(), "a-1030 is in silver already");
  }

  @Test
  void aLatePingTakesItsAnchorAndCorrectsItsUnitsLaterPings() {
    Dataset<Row> fresh = EnrichedPings.pings(bronze("('a-1015', 'A', '2026-11-20 10:15:00', 50.01D, 8.0D, 7L)"));
    Dataset<Row> around = EnrichedPings.around(silver, fresh, 2);
    assertSameRows(silver.filter("event_id IN ('a-1000', 'a-1030', 'a-1100')").drop("event_date"), around);

    Dataset<Row> previous = EnrichedPings.previousPings(fresh, around);
    // 0.01° of latitude is 1.112 km; 0.02°, 2.2239 km (haversine on the mean Earth radius, to 0.1 m)
    Dataset<Row> expected = spark.sql("""
        SELECT event_id, CAST(prev AS TIMESTAMP) AS prev_event_time, CAST(s AS BIGINT) AS seconds_since_prev,
               km AS distance_km_since_prev, DATE '2026-11-20' AS _neighbour_date
        FROM VALUES
          ('a-1015', '2026-11-20 10:00:00', 900,  1.112D),
          ('a-1030', '2026-11-20 10:15:00', 900,  1.112D),
          ('a-1100', '2026-11-20 10:30:00', 1800, 2.2239D)
        AS t(event_id, prev, s, km)""");
    assertSameRows(nullable(expected), nullable(previous));
    assertSameRows(nullable(expected.filter("event_id <> 'a-1015'")),
        nullable(EnrichedPings.changedNeighbours(previous, fresh)));
  }

  @Test
  void aFirstBatchHasNoAnchor() {
    Dataset<Row> fresh = EnrichedPings.pings(bronze("""
        ('c-1', 'C', '2026-11-20 10:00:00', 10.0D, 10.0D, 1L),
        ('c-2', 'C', '2026-11-20 10:15:00', 10.01D, 10.0D, 2L)"""));
    List<Row> previous = EnrichedPings.previousPings(fresh, null).orderBy("event_id")
        .select("event_id", "seconds_since_prev", "distance_km_since_prev").collectAsList();
    assertEquals("[[c-1,null,null], [c-2,900,1.112]]", previous.toString());
  }

  @Test
  void eachPingIsDescribedByItsUnitAsOfItsTime() {
    Dataset<Row> pings = spark.sql("""
        SELECT event_id, unit_id, CAST(event_time AS TIMESTAMP) AS event_time
        FROM VALUES ('a-0800', 'A', '2026-11-20 08:00:00'), ('a-1030', 'A', '2026-11-20 10:30:00'),
                    ('z-1', 'Z', '2026-11-20 10:30:00')
        AS t(event_id, unit_id, event_time)""");
    // A was a van until 10:00, then a truck; version 1 counts from the beginning; Z is unknown
    Dataset<Row> dimension = spark.sql("""
        SELECT unit_id, CAST(valid_from AS TIMESTAMP) AS valid_from, CAST(valid_to AS TIMESTAMP) AS valid_to,
               version, unit_type, CAST(version_key AS BIGINT) AS version_key
        FROM VALUES ('A', '2026-11-20 09:00:00', '2026-11-20 10:00:00', 1, 'van', 11),
                    ('A', '2026-11-20 10:00:00', NULL, 2, 'truck', 12)
        AS t(unit_id, valid_from, valid_to, version, unit_type, version_key)""");
    assertEquals("[[a-0800,van,11,true], [a-1030,truck,12,true], [z-1,null,null,false]]",
        EnrichedPings.described(pings, dimension).orderBy("event_id")
            .select("event_id", "unit_type", "version_key", "unit_known").collectAsList().toString());
    Dataset<Row> none = EnrichedPings.described(pings, null);
    assertEquals(0, none.filter("unit_known OR unit_type IS NOT NULL OR company_id IS NOT NULL").count(),
        "before there is a dimension, every ping waits for its unit");
    assertEquals(EnrichedPings.described(pings, dimension).schema(), none.schema(),
        "silver's columns are the same before and after the dimension");
  }

  /** The rows alone: whether Spark can prove a column never null is not what these tests are about. */
  private static Dataset<Row> nullable(Dataset<Row> rows) {
    StructType schema = new StructType(Arrays.stream(rows.schema().fields())
        .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata())).toArray(StructField[]::new));
    return spark.createDataFrame(rows.javaRDD(), schema);
  }
}
