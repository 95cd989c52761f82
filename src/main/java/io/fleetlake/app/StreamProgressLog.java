package io.fleetlake.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.lake.TableLease;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every micro-batch's progress of this application's streaming queries: a line through log4j (EMR's step and
 * container logs keep it, where stdout may be lost) and a row of the Delta table {@code _ops/stream_progress}, so
 * that "how far behind were we yesterday" is a query ({@code ops.stream_progress} in the sql job, a notebook,
 * Athena after catalog). Rows are kept in memory and appended every {@link #FLUSH_EVERY} and when the job ends,
 * not on the listener bus. The table has one writer like every table: the application holding its lease (run-all,
 * or the first streaming job started on its own); another job's progress goes to its log only, and it says so.
 */
public final class StreamProgressLog extends StreamingQueryListener implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration FLUSH_EVERY = Duration.ofMinutes(1);
  /** Rows held while the lake cannot be written (S3 down): a day of five queries at one batch a minute. */
  private static final int MAX_HELD = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(StreamProgressLog.class);
  static final StructType SCHEMA = new StructType()
      .add("job", DataTypes.StringType, false)
      .add("query", DataTypes.StringType, true)
      .add("query_id", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("batch_id", DataTypes.LongType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("date", DataTypes.DateType, false)
      .add("input_rows", DataTypes.LongType, false)
      .add("input_rows_per_second", DataTypes.DoubleType, true)
      .add("processed_rows_per_second", DataTypes.DoubleType, true)
      .add("batch_seconds", DataTypes.DoubleType, true)
      .add("kafka_offsets_behind", DataTypes.LongType, true)
      .add("delta_versions_behind", DataTypes.LongType, true)
      .add("sources", DataTypes.StringType, true)
      .add("progress_json", DataTypes.StringType, false);

  private final SparkSession spark;
  private final String job;
  private final String path;
  private final TableLease lease;
  private final ConcurrentLinkedQueue<Row> held = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService flusher;

  private StreamProgressLog(SparkSession spark, String job, String path, TableLease lease) {
    this.spark = spark;
    this.job = job;
    this.path = path;
    this.lease = lease;
    this.flusher = lease == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stream-progress");
      t.setDaemon(true);
      return t;
    });
  }

  /** Listens to the application's queries from now on; writes the table if its lease can be had. */
  public static StreamProgressLog start(SparkSession spark, JobContext context) {
    TableLease lease = null;
    try {
      lease = TableLease.acquire(spark.sparkContext().hadoopConfiguration(), context.settings().lake().root(),
          List.of(FleetTable.STREAM_PROGRESS.id()), context.jobName(), context.settings().lake().leaseTtl(), Clock.systemUTC(),
          loss -> LOG.warn("{}: {}; its stream progress goes to the log only from now on", context.jobName(), loss));
    } catch (TableLease.LeaseHeldException e) {
      context.out().println(context.jobName() + ": stream progress goes to the log only: " + e.getMessage());
    }
    StreamProgressLog log = new StreamProgressLog(spark, context.jobName(),
        FleetTable.STREAM_PROGRESS.path(context.settings().lake()), lease);
    spark.streams().addListener(log);
    if (log.flusher != null) {
      log.flusher.scheduleWithFixedDelay(log::flushQuietly, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return log;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    Row row = row(job, event.progress(), this::latestVersion);
    LOG.info("progress {} batch {}: {} rows in {} s{}{}", row.getString(1), row.getLong(4), row.getLong(7),
        row.isNullAt(10) ? "?" : String.format("%.1f", row.getDouble(10)),
        row.isNullAt(11) ? "" : String.format("; Kafka records behind %,d", row.getLong(11)),
        row.isNullAt(12) ? "" : String.format("; Delta versions behind %,d", row.getLong(12)));
    if (flusher != null && !lost()) {
      held.add(row);
      while (held.size() > MAX_HELD) {
        held.poll(); // the oldest go first: the log keeps every line
      }
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  /** The newest version of the Delta table at {@code path}, from its log; null if it cannot be read now. */
  private Long latestVersion(String path) {
    try {
      return org.apache.spark.sql.delta.DeltaLog.forTable(spark, path)
          .update(false, scala.Option.empty(), scala.Option.empty()).version();
    } catch (RuntimeException e) {
      LOG.debug("the version of {} cannot be read: {}", path, e.toString());
      return null;
    }
  }

  /**
   * The records a Kafka source's batch left in its topic: over every partition, the newest offset less the batch's
   * end. (Spark's own metric, maxOffsetsBehindLatest, is the one partition furthest behind: with three partitions,
   * a third of it.) Null for a source that is not Kafka's, or whose offsets do not read as Kafka's.
   */
  public static Long kafkaRecordsBehind(SourceProgress source) {
    if (!source.metrics().containsKey("maxOffsetsBehindLatest") || source.latestOffset() == null) {
      return null;
    }
    try {
      JsonNode latest = JSON.readTree(source.latestOffset());
      JsonNode end = JSON.readTree(source.endOffset());
      long behind = 0;
      for (var topics = latest.fields(); topics.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = topics.next();
        for (var partitions = topic.getValue().fields(); partitions.hasNext(); ) {
          Map.Entry<String, JsonNode> partition = partitions.next();
          long read = end.path(topic.getKey()).path(partition.getKey()).asLong(0);
          behind += Math.max(0, partition.getValue().asLong() - read);
        }
      }
      return behind;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }

  /**
   * One row of a micro-batch's progress. Kafka reports how far a batch's end is behind the topic's end; Delta's
   * source reports nothing of the kind, so for a Delta source the commits of its table not read by the batch's
   * end are counted here, against the table's newest version ({@code latestVersion}).
   */
  static Row row(String job, StreamingQueryProgress progress, java.util.function.Function<String, Long> latestVersion) {
    Instant started = Instant.parse(progress.timestamp());
    Long kafkaBehind = null;
    Long deltaBehind = null;
    List<String> sources = new ArrayList<>();
    for (SourceProgress source : progress.sources()) {
      sources.add(source.description());
      Long records = kafkaRecordsBehind(source);
      if (records != null) {
        kafkaBehind = (kafkaBehind == null ? 0 : kafkaBehind) + records;
      }
      Long behind = deltaVersionsBehind(source.description(), source.endOffset(), latestVersion);
      if (behind != null) {
        deltaBehind = (deltaBehind == null ? 0 : deltaBehind) + behind;
      }
    }
    Long trigger = progress.durationMs().get("triggerExecution");
    return RowFactory.create(job, progress.name(), progress.id().toString(), progress.runId().toString(),
        progress.batchId(), Timestamp.from(started), java.sql.Date.valueOf(started.atZone(ZoneOffset.UTC).toLocalDate()),
        progress.numInputRows(), finite(progress.inputRowsPerSecond()), finite(progress.processedRowsPerSecond()),
        trigger == null ? null : trigger / 1000.0, kafkaBehind, deltaBehind, String.join("; ", sources), progress.json());
  }

  /**
   * The versions of a Delta source's table that a batch ending at {@code endOffset} has not read: those after the
   * offset's version, and that version too when the offset stands before its first file (index -1). Null for a
   * source that is not Delta's, or an offset or version that cannot be had.
   */
  static Long deltaVersionsBehind(String description, String endOffset, java.util.function.Function<String, Long> latestVersion) {
    if (description == null || !description.startsWith("DeltaSource[") || !description.endsWith("]") || endOffset == null) {
      return null;
    }
    try {
      JsonNode offset = JSON.readTree(endOffset);
      if (!offset.hasNonNull("reservoirVersion")) {
        return null;
      }
      Long latest = latestVersion.apply(description.substring("DeltaSource[".length(), description.length() - 1));
      if (latest == null) {
        return null;
      }
      long version = offset.get("reservoirVersion").asLong();
      long notStarted = offset.path("index").asLong(0) == -1 ? 1 : 0;
      return Math.max(0, latest - version + notStarted);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** Whether this application writes the table (holds its lease): then it maintains it too. */
  public boolean writes() {
    return flusher != null && !lost();
  }

  private boolean lost() {
    return lease != null && lease.lost();
  }

  /** Appends what is held; rows stay held when the lake cannot be written, for the next try. */
  public void flush() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Row row = held.poll(); row != null; row = held.poll()) {
      rows.add(row);
    }
    if (rows.isEmpty() || lost()) {
      return;
    }
    try {
      LakeWriteLock.shared(() -> {
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode("append").partitionBy(FleetTable.STREAM_PROGRESS.partitionBy())
            .save(path);
        return null;
      });
    } catch (Exception e) {
      held.addAll(rows);
      throw e;
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (Exception e) {
      LOG.warn("{}: could not append to {} ({} rows held for the next try): {}", job, FleetTable.STREAM_PROGRESS.id(), held.size(), e.toString());
    }
  }

  @Override
  public void close() {
    spark.streams().removeListener(this);
    if (flusher != null) {
      flusher.shutdown();
      try {
        flusher.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      flushQuietly();
      lease.close();
    }
  }
}
