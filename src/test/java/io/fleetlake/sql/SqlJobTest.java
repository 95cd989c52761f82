package io.fleetlake.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlJobTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  private Dataset<Row> pings() {
    return spark.sql("SELECT * FROM VALUES ('ship-1', 31.5, 'a, \"quoted\"'), ('truck-7', NULL, '') "
        + "AS t(unit_id, speed_kmh, note)");
  }

  @Test
  void tableAlignsColumnsAndCountsRows() {
    assertEquals("""
        unit_id | speed_kmh | note
        --------+-----------+------------
        ship-1  | 31.5      | a, "quoted"
        truck-7 | NULL      |
        (2 rows)
        """, SqlJob.render(pings(), SqlJob.Format.TABLE, 1000));
  }

  @Test
  void tableSaysWhenItCutsRows() {
    String text = SqlJob.render(spark.range(5).toDF("n"), SqlJob.Format.TABLE, 2);
    assertEquals("n\n-\n0\n1\n(first 2 of 5 rows)\n", text);
  }

  @Test
  void asManyRowsAsAnIntHoldsMeansAll() {
    // one more row than asked tells whether rows were cut: at Integer.MAX_VALUE that one more must not wrap
    assertEquals("n\n-\n0\n1\n2\n(3 rows)\n", SqlJob.render(spark.range(3).toDF("n"), SqlJob.Format.TABLE, Integer.MAX_VALUE));
    assertEquals("n\r\n0\r\n1\r\n2\r\n", SqlJob.render(spark.range(3).toDF("n"), SqlJob.Format.CSV, Integer.MAX_VALUE));
  }

  @Test
  void csvQuotesAsRfc4180AndLeavesNullsEmpty() {
    assertEquals("unit_id,speed_kmh,note\r\nship-1,31.5,\"a, \"\"quoted\"\"\"\r\ntruck-7,,\"\"\r\n",
        SqlJob.render(pings(), SqlJob.Format.CSV, 1000));
  }

  @Test
  void jsonIsOneObjectPerLine() {
    assertEquals("{\"unit_id\":\"ship-1\",\"speed_kmh\":31.5,\"note\":\"a, \\\"quoted\\\"\"}\n"
        + "{\"unit_id\":\"truck-7\",\"note\":\"\"}\n", SqlJob.render(pings(), SqlJob.Format.JSON, 1000));
  }

  @Test
  void nestedValuesPrintAsSparkRendersThem() {
    assertEquals("st     | arr\n-------+-------\n{1, a} | [1, 2]\n(1 row)\n",
        SqlJob.render(spark.sql("SELECT named_struct('x', 1, 'y', 'a') AS st, array(1, 2) AS arr"),
            SqlJob.Format.TABLE, 10));
  }

  @Test
  void writesAreRefusedUnlessAllowed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // RESTORE and CLONE are refused once analysed, which needs a table to analyse against
    String lake = dir.resolve("t").toUri().toString();
    spark.range(3).write().format("delta").save(lake);
    for (String write : java.util.List.of(
        "DELETE FROM delta.`/tmp/none` WHERE unit_id = 'x'",
        "INSERT INTO delta.`/tmp/none` VALUES (1)",
        "MERGE INTO delta.`/tmp/a` t USING delta.`/tmp/b` s ON t.k = s.k WHEN MATCHED THEN DELETE",
        "UPDATE delta.`/tmp/none` SET a = 1",
        "DROP TABLE gold.fleet_daily",
        "CREATE TABLE x USING delta AS SELECT 1 AS n",
        "ALTER TABLE delta.`/tmp/none` SET TBLPROPERTIES ('a' = 'b')",
        "OPTIMIZE delta.`/tmp/none`",
        "VACUUM delta.`/tmp/none` RETAIN 0 HOURS",
        "WITH s AS (SELECT 1 AS n) INSERT INTO delta.`/tmp/none` SELECT * FROM s",
        "INSERT OVERWRITE DIRECTORY '/tmp/none' USING parquet SELECT 1 AS n",
        "RESTORE TABLE delta.`" + lake + "` TO VERSION AS OF 0",
        "CREATE TABLE delta.`" + lake + "-clone` SHALLOW CLONE delta.`" + lake + "`")) {
      SqlJob.StatementException refused = org.junit.jupiter.api.Assertions.assertThrows(SqlJob.StatementException.class,
          () -> SqlJob.refuseWrites(spark, write), write);
      org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("read-only unless --allow-writes"),
          refused.getMessage());
    }
    for (String read : java.util.List.of("SELECT 1", "SELECT count(*) FROM delta.`" + lake + "`", "SHOW TABLES",
        "DESCRIBE HISTORY delta.`" + lake + "`", "DESCRIBE DETAIL delta.`" + lake + "`",
        "EXPLAIN SELECT 1", "WITH s AS (SELECT 1 AS n) SELECT * FROM s")) {
      SqlJob.refuseWrites(spark, read);
    }
    assertEquals(true, SqlJob.Request.parse(java.util.List.of("DELETE FROM x", "--allow-writes")).allowWrites());
  }
}
