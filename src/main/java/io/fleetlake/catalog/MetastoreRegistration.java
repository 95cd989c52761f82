package io.fleetlake.catalog;

import io.fleetlake.lake.SqlText;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.NoSuchDatabaseException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.hadoop.fs.Path;
import scala.Option;

/**
 * Registers lake tables in the session's metastore (spark_catalog: the Glue Data Catalog on EMR with conf/emr.conf,
 * Spark's in-memory catalog elsewhere) as {@code <layer>.<table>}: {@code CREATE TABLE … USING DELTA LOCATION},
 * so the entry holds no schema of its own and never goes stale. Idempotent: a table registered at the same
 * location is left as it is; one registered elsewhere is reported and left alone, never dropped.
 */
public final class MetastoreRegistration {
  /** What happened to one table. */
  public enum Outcome { REGISTERED, ALREADY_REGISTERED, REGISTERED_ELSEWHERE }

  /**
   * @param location where the metastore's entry points (for REGISTERED_ELSEWHERE: not this table's path)
   * @param rows the table's rows read through the metastore's entry (-1 if registered elsewhere)
   */
  public record Registration(LakeTable table, Outcome outcome, String location, long rows) {}

  private final SparkSession spark;

  public MetastoreRegistration(SparkSession spark) {
    this.spark = spark;
  }

  public List<Registration> register(List<LakeTable> tables) {
    Set<String> databases = new LinkedHashSet<>();
    tables.forEach(t -> databases.add(t.layer().sqlName()));
    for (String database : databases) {
      // spark_catalog. named: bronze, silver, gold and quality are also fleetlake's own SQL catalogs in this session
      spark.sql("CREATE DATABASE IF NOT EXISTS spark_catalog." + database
          + " COMMENT 'fleetlake " + database + " layer (Delta tables; see catalog --help)'");
    }
    SessionCatalog catalog = spark.sessionState().catalog();
    List<Registration> registrations = new ArrayList<>();
    for (LakeTable table : tables) {
      TableIdentifier id = new TableIdentifier(table.name(), Option.apply(table.layer().sqlName()));
      String qualified = "spark_catalog." + table.sqlName();
      if (catalog.tableExists(id)) {
        String location = normalized(location(catalog, id));
        if (!location.equals(normalized(URI.create(table.path())))) {
          registrations.add(new Registration(table, Outcome.REGISTERED_ELSEWHERE, location, -1));
          continue;
        }
        registrations.add(new Registration(table, Outcome.ALREADY_REGISTERED, location, count(qualified)));
      } else {
        spark.sql("CREATE TABLE IF NOT EXISTS " + qualified + " USING DELTA LOCATION " + SqlText.quoted(table.path()));
        registrations.add(new Registration(table, Outcome.REGISTERED, table.path(), count(qualified)));
      }
    }
    return registrations;
  }

  private static URI location(SessionCatalog catalog, TableIdentifier id) {
    try {
      return catalog.getTableMetadata(id).location();
    } catch (NoSuchDatabaseException | NoSuchTableException e) {
      throw new IllegalStateException(id + " vanished from the metastore while catalog ran", e);
    }
  }

  private long count(String qualified) {
    return spark.sql("SELECT count(*) FROM " + qualified).first().getLong(0);
  }

  /** file:///a/ and file:/a, s3a://b/t/ and s3a://b/t are the same place. */
  private static String normalized(URI location) {
    return new Path(location).toString();
  }
}
