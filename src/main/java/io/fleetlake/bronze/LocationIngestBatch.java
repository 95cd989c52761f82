package io.fleetlake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.to_date;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.quality.QualityResults;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.storage.StorageLevel;
import scala.Option;

/**
 * One micro-batch of Kafka records into bronze/locations, bronze/locations_quarantine and _quality/results.
 * Every record ends in exactly one of the two tables, once: a batch writes only the offsets neither table holds
 * yet ({@link IngestedOffsets}), so a batch replayed after a crash — all of it, or the part after the table that
 * committed — and a batch re-planned from a restored older checkpoint write nothing twice and skip nothing.
 * _quality/results' counts carry (query id, batch id) as Delta's transaction id instead: one row set per batch.
 */
public final class LocationIngestBatch implements VoidFunction2<Dataset<Row>, Long> {
  /** Spark sets it on the thread that runs a query's batches. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

  /** The quality rule that counts pings whose event_id repeats within the batch. */
  public static final String DUPLICATE_EVENT_ID = "DUPLICATE_EVENT_ID";

  /** What one batch did, for the progress line. */
  public record Summary(long records, long bronze, long quarantined, long flagged, long repeated, long alreadyHeld,
      double seconds) {}

  private final LakeSettings lake;
  private final EventTimeRange eventTimes;
  private final Map<Long, Summary> summaries = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, Long>> position = new java.util.TreeMap<>();
  private long knownUnitsVersion = -1;
  private Set<String> knownUnits = Set.of();

  public LocationIngestBatch(LakeSettings lake, EventTimeRange eventTimes) {
    this.lake = lake;
    this.eventTimes = eventTimes;
  }

  /** The summary of a finished batch, once. */
  public Summary takeSummary(long batchId) {
    return summaries.remove(batchId);
  }

  /**
   * The unit ids of bronze/transport_units, if that table exists yet (poll-sources writes it). Read again only
   * when the table has a new version (a poll, hourly): a micro-batch otherwise asks Delta's log for the
   * version and nothing more, however long the table's history.
   */
  private synchronized Optional<Set<String>> knownUnits(SparkSession spark) {
    String path = FleetTable.POLLED_TRANSPORT_UNITS.path(lake);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    long version = DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).version();
    if (version != knownUnitsVersion) {
      knownUnits = Set.copyOf(spark.read().format("delta").option("versionAsOf", version).load(path)
          .select("unit_id").distinct().as(Encoders.STRING()).collectAsList());
      knownUnitsVersion = version;
    }
    return Optional.of(knownUnits);
  }

  /**
   * The position once this batch is written: per topic and partition, the highest offset of every batch so far.
   * Starts from the lake's own record at the first batch of this process.
   */
  private synchronized Map<String, Map<Integer, Long>> advance(IngestedOffsets lakeOffsets,
                                                               List<IngestedOffsets.Range> ranges) {
    for (IngestedOffsets.Range range : ranges) {
      position.computeIfAbsent(range.topic(), topic -> new java.util.TreeMap<>(lakeOffsets.highest(topic)))
          .merge(range.partition(), range.last(), Math::max);
    }
    return position;
  }

  @Override
  public void call(Dataset<Row> records, Long batchId) {
    long start = System.nanoTime();
    String queryId = Objects.requireNonNull(records.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY),
        "not inside a streaming query");
    String appId = "fleetlake.ingest-locations." + queryId;
    Optional<Set<String>> knownUnits = knownUnits(records.sparkSession());
    Dataset<Row> parsed = BronzeLocations.parse(records, eventTimes, Instant.now());
    if (knownUnits.isPresent()) {
      parsed = BronzeLocations.flagUnknownUnits(parsed, knownUnits.get());
    }
    Optional<Column> erased = ErasureLog.erased(records.sparkSession(), lake, "event_date", "kafka_timestamp");
    if (erased.isPresent()) {
      // a ping produced before its unit was erased and read only now (ingest was behind) stays erased
      parsed = BronzeLocations.withErasuresApplied(parsed.withColumn("event_date", to_date(col("event_time"))),
          erased.get()).drop("event_date");
    }
    parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      IngestedOffsets lakeOffsets = new IngestedOffsets(records.sparkSession(), lake);
      List<IngestedOffsets.Range> ranges = IngestedOffsets.ranges(parsed);
      Dataset<Row> held = lakeOffsets.alreadyHeld(parsed, ranges);
      long alreadyHeld = held.count();
      Dataset<Row> fresh = alreadyHeld == 0 ? parsed : IngestedOffsets.without(parsed, held);
      // one small job for every count: the batch grouped by outcome and by the set of flags it raised
      Map<String, Long> rejected = new HashMap<>();
      Map<String, Long> flagged = new HashMap<>();
      long total = 0;
      long flaggedRows = 0;
      for (Row row : parsed.groupBy("reason_code", "quality_flags").count().collectAsList()) {
        long n = row.getLong(2);
        total += n;
        if (!row.isNullAt(0)) {
          rejected.merge(row.getString(0), n, Long::sum);
          continue;
        }
        List<String> flags = row.getList(1);
        flaggedRows += flags.isEmpty() ? 0 : n;
        for (String flag : flags) {
          int colon = flag.indexOf(':');
          flagged.merge(colon < 0 ? flag : flag.substring(0, colon), n, Long::sum);
        }
      }
      long quarantined = rejected.values().stream().mapToLong(Long::longValue).sum();
      long accepted = total - quarantined;
      // a re-sent ping stays in bronze (silver removes it); here it is counted, within the batch
      Row ids = parsed.filter(col("reason_code").isNull())
          .agg(count("*"), countDistinct("event_id")).first();
      long repeated = ids.getLong(0) - ids.getLong(1);

      DeltaWrites.append(BronzeLocations.accepted(fresh).repartition(col("event_date")),
          FleetTable.LOCATIONS.path(lake), FleetTable.LOCATIONS.partitionBy());
      // the quarantine commit comes last and records the position this batch completes; a batch with nothing to
      // quarantine too (its commit adds no file, which Delta would otherwise not record at all, leaving the
      // position at the last batch that quarantined a record: a new checkpoint would re-read Kafka from there)
      records.sparkSession().conf().set("spark.databricks.delta.skipRecordingEmptyCommits", "false");
      DeltaWrites.append(BronzeLocations.quarantined(fresh).coalesce(1).write()
          .option("userMetadata", IngestedOffsets.positionJson(advance(lakeOffsets, ranges))),
          FleetTable.LOCATIONS_QUARANTINE.path(lake), FleetTable.LOCATIONS_QUARANTINE.partitionBy());
      List<QualityResults.RuleCount> counts = new ArrayList<>();
      counts.addAll(QualityResults.countsFor(RejectReason.class, QualityResults.Severity.HARD, total, rejected));
      for (QualityFlag flag : QualityFlag.values()) {
        // unknown units can only be told once bronze/transport_units exists
        long checked = flag == QualityFlag.UNKNOWN_UNIT && knownUnits.isEmpty() ? 0 : accepted;
        counts.add(new QualityResults.RuleCount(flag.name(), QualityResults.Severity.SOFT, checked,
            flagged.getOrDefault(flag.name(), 0L)));
      }
      counts.add(new QualityResults.RuleCount(DUPLICATE_EVENT_ID, QualityResults.Severity.SOFT, accepted, repeated));
      DeltaWrites.appendOnce(QualityResults.rows(records.sparkSession(), FleetTable.LOCATIONS.sqlName(), queryId, batchId, counts)
          .coalesce(1), FleetTable.QUALITY_RESULTS.path(lake), appId, batchId, FleetTable.QUALITY_RESULTS.partitionBy());
      summaries.put(batchId, new Summary(total, accepted, quarantined, flaggedRows, repeated, alreadyHeld,
          (System.nanoTime() - start) / 1e9));
    } finally {
      parsed.unpersist();
    }
  }
}
