package io.fleetlake.bench;

import io.delta.tables.DeltaTable;
import io.fleetlake.app.FleetJob;
import io.fleetlake.app.GracefulStop;
import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.UsageException;
import io.fleetlake.bench.BenchEnvironment;
import io.fleetlake.bench.BenchReport.Goal;
import io.fleetlake.bench.BenchReport;
import io.fleetlake.bench.FilesRead;
import io.fleetlake.bench.WeatherServerStats;
import io.fleetlake.bronze.IngestLocationsJob;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.Settings;
import io.fleetlake.enrich.WeatherCell;
import io.fleetlake.enrich.WeatherSupply;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.local.simulator.FleetSimulator;
import io.fleetlake.local.simulator.Simulation;
import io.fleetlake.sources.KafkaLocations;
import io.fleetlake.sources.TablePoller;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import static org.apache.spark.sql.functions.col;

/**
 * The performance ratios P1–P9, each measured within one run on this machine: a raw Kafka → Parquet
 * copy of the same records is the ceiling every throughput is divided by, so a slow or busy machine moves the
 * numerator and the denominator together.
 */
public final class BenchJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.BENCH, """
      Against the local stack (scripts/local-stack up): for every --scale s, a fleet of s × --units units over
      --days days is simulated into a throwaway topic, Postgres database and lake (bench/<run>/ beside the
      lake root: the real ones are never touched), copied raw from Kafka to Parquet (the baseline), then run
      through ingest-locations, poll-sources, silver-dimensions, silver-locations and gold, what is there then
      exit. Then a fleet of --units is followed live (the simulator's --follow, --speedup simulated seconds
      per second) for --follow-seconds, ingest reading Kafka every --trigger-seconds. Between the two, a history
      of --backfill-days of 4 units at once measures what a backfill weighs at the weather provider. Last, P9:
      --units on a 1-day and on a --p9-days lake, each caught up, then --p9-batches live micro-batches through
      both. Prints P1–P9 against their goals and writes every figure, the machine, the versions and the settings
      to --out. A warm-up fleet goes first, unmeasured, so that the first scale does not pay for the JVM's start.""",
      JobOptions.integer("--units", 3, "units of the fleet at scale 1, of the live run and of P9's lakes; default 60")
          .shownAs("60"),
      JobOptions.integer("--days", 1, "days of each scale's fleet; default 2").shownAs("2"),
      // validated by scales(): its message names the list's form
      JobOptions.text("--scale", "N,N,…", "the scales, whole numbers ≥ 1 separated by commas; default 1,4,16")
          .shownAs("1,4,16"),
      JobOptions.integer("--trigger-seconds", 1, "how often ingest reads Kafka in the live run; default "
          + "fleetlake.streaming.trigger-interval").shownAs("S"),
      JobOptions.integer("--follow-seconds", 0, "how long the live run lasts (0: no live run); default 240")
          .shownAs("240"),
      JobOptions.number("--speedup", "the live run's simulated seconds per second; default 60").shownAs("60"),
      JobOptions.integer("--backfill-days", 1, "the history of 4 units that weighs a backfill; default 14")
          .shownAs("14"),
      JobOptions.integer("--p9-days", 0, "the age of P9's old lake in days (0: P9 not measured); default 30")
          .shownAs("30"),
      JobOptions.integer("--p9-batches", 1, "P9's live micro-batches through both lakes; default 6").shownAs("6"),
      JobOptions.flag("--p9-only", "measure P9 only"),
      JobOptions.text("--out", "FILE", "the figures (by name under \"figures\"), the machine, the versions and the "
          + "settings, as JSON;\ndefault target/bench/result.json").shownAs("target/bench/result.json"),
      JobOptions.flag("--keep", "keep the throwaway topics, databases and lakes"))
      .withConfig();

  private static final String BASELINE = "bench-baseline";

  /** One fleet through every stage, what is there then exit; seconds are wall-clock. */
  private record FleetRun(int scale, int units, long records, long bronzeRows, long silverRows, long goldHourRows,
                          double baselineSeconds, double ingestSeconds, double pollSeconds, double dimensionsSeconds,
                          double silverSeconds, double goldSeconds, WeatherServerStats.Snapshot weather, long weatherKeys,
                          long weatherCells, Map<String, Double> cellDaysPerUnitDay) {
    double pipelineSeconds() {
      return ingestSeconds + silverSeconds + goldSeconds;
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scale", scale);
      m.put("units", units);
      m.put("kafka_records", records);
      m.put("bronze_rows", bronzeRows);
      m.put("silver_rows", silverRows);
      m.put("gold_unit_hours", goldHourRows);
      m.put("baseline_seconds", baselineSeconds);
      m.put("ingest_seconds", ingestSeconds);
      m.put("poll_seconds", pollSeconds);
      m.put("silver_dimensions_seconds", dimensionsSeconds);
      m.put("silver_locations_seconds", silverSeconds);
      m.put("gold_seconds", goldSeconds);
      m.put("baseline_rows_per_s", records / baselineSeconds);
      m.put("ingest_rows_per_s", records / ingestSeconds);
      m.put("end_to_end_rows_per_s", records / pipelineSeconds());
      m.put("weather_calls", weather.calls());
      m.put("weather_location_days_asked", weather.locationDays());
      m.put("weather_distinct_cell_days", weatherKeys);
      m.put("weather_distinct_cells", weatherCells);
      m.put("weather_cell_days_per_unit_day", cellDaysPerUnitDay);
      m.put("weather_weight", weather.weight());
      m.put("weather_peak_weight_per_minute", weather.peakWeightPerMinute());
      m.put("weather_rate_limited", weather.rateLimited());
      return m;
    }
  }

  /** The incremental poll after a known change in Postgres. */
  private record PollRun(long idleRowsRead, long rowsChanged, long rowsRead, long busyRowsChanged, long busyRowsRead,
                         long reconcileKeys, double reconcileSeconds) {}

  /** The live run: per-row latency to silver, and files added per table per micro-batch. */
  private record FollowRun(long rows, double p50Seconds, double p95Seconds, double maxSeconds, GoldLatency gold,
                           Map<String, long[]> filesAndBatches, Map<String, Object> json) {}

  /** P4 to gold: per live ping, its Kafka timestamp to the first gold commit that counts it. */
  private record GoldLatency(long pings, long counted, double p50Seconds, double p95Seconds, double maxSeconds) {}

  @Override
  public int run(JobContext context) throws Exception {
    JobOptions.Parsed args = OPTIONS.parse(context.args());
    int units = args.intValue("--units", 60);
    int days = args.intValue("--days", 2);
    List<Integer> scales = scales(args.text("--scale", "1,4,16"));
    Duration trigger = Duration.ofSeconds(args.intValue("--trigger-seconds",
        (int) context.settings().streaming().triggerInterval().toSeconds()));
    int followSeconds = args.intValue("--follow-seconds", 240);
    int backfillDays = args.intValue("--backfill-days", 14);
    double speedup = args.number("--speedup", 60);
    Path output = Path.of(args.text("--out", "target/bench/result.json"));
    boolean keep = args.flag("--keep");
    boolean p9Only = args.flag("--p9-only");
    int p9Days = args.intValue("--p9-days", 30);
    int p9Batches = args.intValue("--p9-batches", 6);
    if (p9Only && p9Days < 2) {
      throw new UsageException("--p9-only needs --p9-days of at least 2 (the old lake's age), not " + p9Days);
    }

    PrintStream out = context.out();
    Settings settings = context.settings();
    WeatherServerStats weather = new WeatherServerStats(settings.weather());
    weather.snapshot(); // no local weather server, no P3: say so before anything is simulated
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()).toLowerCase();
    Instant started = Instant.now();
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      GracefulStop.install(spark, out);
      out.println("bench: run " + runId + ": throwaway topics fleet.bench." + runId + ".*, Postgres databases fleet_bench_*, lakes under "
          + BenchEnvironment.benchRoot(settings.lake().root()) + "/" + runId);
      List<FleetRun> fleets = new ArrayList<>();
      PollRun poll = null;
      FleetRun backfill = null;
      FollowRun follow = null;
      if (!p9Only) {
        try (BenchEnvironment warmup = BenchEnvironment.create(spark, settings, runId, "warmup", Map.of(), false)) {
          out.println("bench: warm-up fleet (6 units, 1 day) through every stage, not measured");
          fleet(spark, warmup, 0, options(6, 1), weather, out);
        }
        for (int scale : scales) {
          try (BenchEnvironment environment = BenchEnvironment.create(spark, settings, runId, "s" + scale, Map.of(), keep)) {
            out.printf("bench: scale %d: %d units over %d days%n", scale, units * scale, days);
            FleetRun fleet = fleet(spark, environment, scale, options(units * scale, days), weather, out);
            fleets.add(fleet);
            out.printf("bench: scale %d: %,d records; baseline %.1f s, ingest %.1f s, poll %.1f s, silver-dimensions %.1f s, "
                    + "silver-locations %.1f s, gold %.1f s; %,d weather calls for %,d cell-days%n", scale, fleet.records(),
                fleet.baselineSeconds(), fleet.ingestSeconds(), fleet.pollSeconds(), fleet.dimensionsSeconds(),
                fleet.silverSeconds(), fleet.goldSeconds(), fleet.weather().calls(), fleet.weatherKeys());
            if (poll == null) {
              poll = incrementalPoll(spark, environment, out);
            }
          }
        }
        try (BenchEnvironment environment = BenchEnvironment.create(spark, settings, runId, "backfill", Map.of(), keep)) {
          out.println("bench: a " + backfillDays + "-day history of 4 units at once: the weight a backfill costs");
          backfill = fleet(spark, environment, 0, options(4, backfillDays), weather, out);
        }
        if (followSeconds > 0) {
          try (BenchEnvironment environment = BenchEnvironment.create(spark, settings, runId, "follow",
              Map.of("streaming.trigger-interval", trigger.toSeconds() + " seconds"), keep)) {
            follow = follow(spark, environment, options(units, 1), trigger, followSeconds, speedup, out);
          }
        }
      }
      P9Run lakeAge = null;
      if (p9Days >= 2) {
        out.printf("bench: P9: %d units on a 1-day and a %d-day lake, %d live micro-batches each%n", units, p9Days, p9Batches);
        lakeAge = lakeAge(spark, settings, runId, units, p9Days, p9Batches, keep, out);
      }
      double[] fit = fleets.isEmpty() ? null : fit(fleets);
      BenchReport report = new BenchReport();
      if (!fleets.isEmpty()) {
        fleetFigures(report, fleets, backfill, backfillDays, fit, settings);
      }
      if (follow != null) {
        followFigures(report, follow, trigger);
      }
      if (poll != null) {
        pollFigures(report, poll);
      }
      if (fleets.size() > 2) {
        p7Figure(report, fleets, fit);
      }
      if (lakeAge != null) {
        p9Figures(report, lakeAge);
      }
      report.put("run", Map.of("id", runId, "started", started.toString(), "seconds",
          Duration.between(started, Instant.now()).toSeconds()));
      report.put("machine", machine());
      report.put("versions", versions(spark));
      report.put("settings", benchSettings(spark, units, days, scales, trigger, followSeconds, speedup, p9Days, p9Batches, settings));
      report.put("fleets", fleets.stream().map(FleetRun::json).toList());
      if (backfill != null) {
        report.put("backfill", backfill.json());
      }
      if (fleets.size() > 1) {
        report.put("end_to_end_fit", Map.of("fixed_seconds", fit[0], "ms_per_record", fit[1] * 1000));
      }
      if (poll != null) {
        report.put("incremental_poll", Map.of("rows_read_with_nothing_changed", poll.idleRowsRead(),
            "rows_changed", poll.rowsChanged(), "rows_read", poll.rowsRead(), "busy_rows_changed", poll.busyRowsChanged(),
            "busy_rows_read", poll.busyRowsRead(), "reconcile_keys_compared", poll.reconcileKeys(),
            "reconcile_seconds", poll.reconcileSeconds()));
      }
      if (follow != null) {
        report.put("follow", follow.json());
      }
      if (lakeAge != null) {
        report.put("lake_age", Map.of("young", lakeAge.young().json(), "old", lakeAge.old().json(), "batches", lakeAge.batches()));
      }
      out.println();
      report.print(out);
      report.write(output);
      out.println("bench: every figure in " + output.toAbsolutePath() + " (" + Duration.between(started, Instant.now()).toSeconds() + " s)");
      out.flush();
      return Job.OK;
    } finally {
      SparkSessions.release(spark);
    }
  }

  static List<Integer> scales(String text) {
    TreeSet<Integer> scales = new TreeSet<>();
    for (String part : text.split(",")) {
      try {
        int scale = Integer.parseInt(part.trim());
        if (scale < 1) {
          throw new NumberFormatException();
        }
        scales.add(scale);
      } catch (NumberFormatException e) {
        throw new UsageException("--scale must be whole numbers ≥ 1 separated by commas (1,4,16), not '" + text + "'");
      }
    }
    return List.copyOf(scales);
  }

  private static Simulation.Options options(int units, int days) {
    return new Simulation.Options(units, days, 42, LocalDate.now(ZoneOffset.UTC).minusDays(days), 1, 1, 1, 0.5);
  }

  /** Simulates the fleet, then times the baseline and every stage, each on what the one before wrote. */
  private static FleetRun fleet(SparkSession spark, BenchEnvironment environment, int scale, Simulation.Options options,
                                WeatherServerStats weather, PrintStream out) throws Exception {
    Settings settings = environment.settings();
    Path manifest = Files.createTempFile("fleetlake-bench-", ".json");
    Map<String, Object> produced;
    try {
      produced = new FleetSimulator(settings.kafka(), settings.postgres(), out).run(options, manifest, null);
    } finally {
      Files.deleteIfExists(manifest);
    }
    long records = ((Number) produced.get("records_produced")).longValue();
    double baseline = baseline(spark, environment, records);
    double ingest = stage(spark, FleetJob.INGEST_LOCATIONS, settings, true, out);
    double poll = stage(spark, FleetJob.POLL_SOURCES, settings, true, out);
    double dimensions = stage(spark, FleetJob.SILVER_DIMENSIONS, settings, true, out);
    // a cold cache and zeroed counters: the calls counted are this fleet's alone
    WeatherSupply.forgetShared();
    weather.reset();
    double silver = stage(spark, FleetJob.SILVER_LOCATIONS, settings, true, out);
    WeatherServerStats.Snapshot calls = weather.snapshot();
    double gold = stage(spark, FleetJob.GOLD, settings, true, out);
    String silverTable = FleetTable.LOCATIONS_ENRICHED.path(settings.lake());
    Set<WeatherCell> keys = weatherKeys(spark, silverTable, settings.weather().gridDegrees());
    return new FleetRun(scale, options.units(), records, rows(spark, FleetTable.LOCATIONS.path(settings.lake())),
        rows(spark, silverTable), rows(spark, FleetTable.UNIT_ACTIVITY_HOURLY.path(settings.lake())), baseline, ingest, poll,
        dimensions, silver, gold, calls, keys.size(), keys.stream().map(key -> key.withDay(LocalDate.EPOCH)).distinct().count(),
        cellDaysPerUnitDay(spark, silverTable, settings.weather().gridDegrees()));
  }

  /** The physical ceiling: the same Kafka records copied to Parquet as they are, no parsing, no Delta. */
  private static double baseline(SparkSession spark, BenchEnvironment environment, long records) throws Exception {
    Settings settings = environment.settings();
    String path = environment.root() + "/baseline/records";
    long start = System.nanoTime();
    KafkaLocations.stream(spark, settings.kafka(), settings.ingest())
        .select("key", "value", "topic", "partition", "offset", "timestamp")
        .writeStream()
        .queryName(BASELINE)
        .format("parquet")
        .option("path", path)
        .option("checkpointLocation", settings.lake().checkpoint(BASELINE, "records"))
        .trigger(Trigger.AvailableNow())
        .start()
        .awaitTermination();
    double seconds = BenchEnvironment.seconds(start);
    long copied = spark.read().parquet(path).count();
    if (copied != records) {
      throw new JobFailedException("the baseline copied " + copied + " of " + records + " records: the topic is not what was produced");
    }
    return seconds;
  }

  /** Every stage, what is there then exit, in order: a lake caught up before what is measured. */
  private static void catchUpEveryStage(SparkSession spark, Settings settings, PrintStream out) throws Exception {
    stage(spark, FleetJob.INGEST_LOCATIONS, settings, true, out);
    stage(spark, FleetJob.POLL_SOURCES, settings, true, out);
    stage(spark, FleetJob.SILVER_DIMENSIONS, settings, true, out);
    stage(spark, FleetJob.SILVER_LOCATIONS, settings, true, out);
    stage(spark, FleetJob.GOLD, settings, true, out);
  }

  private static double stage(SparkSession spark, FleetJob job, Settings settings, boolean availableNow,
                              PrintStream out) throws Exception {
    long start = System.nanoTime();
    StreamingJob stream = (StreamingJob) job.create();
    for (StreamingQuery query : stream.start(spark, new JobContext(job.jobName(), settings, availableNow, List.of(), out))) {
      query.awaitTermination();
    }
    return BenchEnvironment.seconds(start);
  }

  private static long rows(SparkSession spark, String table) {
    return DeltaTable.isDeltaTable(spark, table) ? spark.read().format("delta").load(table).count() : 0;
  }

  /**
   * Per unit type (and "all"), the distinct (cell, day) keys a unit's day of pings needs: what a fleet of that
   * mix costs the provider per unit and day, live.
   */
  private static Map<String, Double> cellDaysPerUnitDay(SparkSession spark, String silver, double grid) {
    Map<String, Double> perType = new java.util.TreeMap<>();
    Dataset<Row> keyed = spark.read().format("delta").load(silver)
        .where(col("lat").isNotNull().and(col("lon").isNotNull()))
        .selectExpr("coalesce(unit_type, 'unknown') AS unit_type", "unit_id", "event_date",
            "floor(lat / " + grid + " + 0.5) AS lat_index", "floor(lon / " + grid + " + 0.5) AS lon_index");
    for (Row row : keyed.groupBy("unit_type").agg(
        org.apache.spark.sql.functions.countDistinct(col("lat_index"), col("lon_index"), col("event_date")).as("cell_days"),
        org.apache.spark.sql.functions.countDistinct(col("unit_id"), col("event_date")).as("unit_days")).collectAsList()) {
      perType.put(row.getString(0), (double) row.getLong(1) / row.getLong(2));
    }
    Row all = keyed.agg(org.apache.spark.sql.functions.countDistinct(col("unit_type"), col("lat_index"), col("lon_index"),
        col("event_date")), org.apache.spark.sql.functions.countDistinct(col("unit_id"), col("event_date"))).first();
    perType.put("all", (double) all.getLong(0) / all.getLong(1));
    return perType;
  }

  /** The distinct (cell, day) keys the pings of silver needed: the fewest weather answers that could serve them. */
  private static Set<WeatherCell> weatherKeys(SparkSession spark, String silver, double grid) {
    Set<WeatherCell> keys = new HashSet<>();
    Iterator<Row> rows = spark.read().format("delta").load(silver)
        .where(col("lat").isNotNull().and(col("lon").isNotNull()).and(col("event_time").isNotNull()))
        .select("lat", "lon", "event_time").distinct().toLocalIterator();
    while (rows.hasNext()) {
      Row row = rows.next();
      // the day as the enrichment takes it: UTC, whatever this JVM's time zone
      LocalDate day = ((Timestamp) row.get(2)).toInstant().atZone(ZoneOffset.UTC).toLocalDate();
      keys.add(WeatherCell.of(row.getDouble(0), row.getDouble(1), day, grid));
    }
    return keys;
  }

  /**
   * P6: after the catch-up, a poll with nothing changed, then a day's statistics restated for every unit and a
   * few units renamed, and the poll that picks them up; then polls while another writer commits (a busy
   * source), and one that compares keys for deletes (its cost).
   */
  private static PollRun incrementalPoll(SparkSession spark, BenchEnvironment environment, PrintStream out) throws Exception {
    Settings settings = environment.settings();
    TablePoller poller = new TablePoller(spark, settings.postgres(), settings.poll(), settings.lake());
    long idle = 0;
    for (PolledTable table : settings.poll().tables()) {
      idle += poller.poll(table).rowsRead();
    }
    long changed = environment.sourceSql("UPDATE unit_performance SET distance_km = distance_km + 0.1, updated_at = now() "
        + "WHERE stat_date = (SELECT max(stat_date) FROM unit_performance)");
    changed += environment.sourceSql("UPDATE transport_units SET name = name || ' II', updated_at = now() "
        + "WHERE unit_id IN (SELECT unit_id FROM transport_units ORDER BY unit_id LIMIT 5)");
    long read = 0;
    for (PolledTable table : settings.poll().tables()) {
      TablePoller.PollResult result = poller.poll(table);
      out.println("bench: " + result.line());
      read += result.rowsRead();
    }
    // a busy source: another writer commits one unit's update after another while three rounds of polls run
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    Thread writer = new Thread(() -> {
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(settings.postgres().jdbcUrl(),
          settings.postgres().connectionProperties()); java.sql.Statement s = c.createStatement()) {
        for (long i = 0; writing.get(); i++) {
          commits.addAndGet(s.executeUpdate("UPDATE transport_units SET updated_at = now(), active = NOT active "
              + "WHERE unit_id = (SELECT unit_id FROM transport_units ORDER BY unit_id OFFSET " + (i % 50) + " LIMIT 1)"));
        }
      } catch (java.sql.SQLException e) {
        out.println("bench: the busy writer stopped: " + e.getMessage());
      }
    }, "bench-busy-writer");
    writer.start();
    long busyRead = 0;
    try {
      for (int round = 0; round < 2; round++) {
        for (PolledTable table : settings.poll().tables()) {
          busyRead += poller.poll(table).rowsRead();
        }
      }
    } finally {
      writing.set(false);
      writer.join();
    }
    for (PolledTable table : settings.poll().tables()) {
      busyRead += poller.poll(table).rowsRead(); // what was committed during the last round
    }
    out.printf("bench: busy source: %,d rows read for %,d commits of another writer during the polls%n", busyRead,
        commits.get());
    long keys = 0;
    long start = System.nanoTime();
    for (PolledTable table : settings.poll().tables()) {
      TablePoller.PollResult result = poller.poll(table, true);
      out.println("bench: " + result.line());
      keys += result.keysCompared();
    }
    return new PollRun(idle, changed, read, commits.get(), busyRead, keys, (System.nanoTime() - start) / 1e9);
  }

  /**
   * P4 and P5: a fleet caught up, then followed live by ingest-locations, silver-locations and gold on a
   * processing-time trigger. Each silver row's latency is the timestamp of the commit that inserted it (its
   * change feed) minus its Kafka timestamp (when the simulator sent it).
   */
  private static FollowRun follow(SparkSession spark, BenchEnvironment environment, Simulation.Options options,
                                  Duration trigger, int followSeconds, double speedup, PrintStream out) throws Exception {
    Settings settings = environment.settings();
    Path manifest = Files.createTempFile("fleetlake-bench-", ".json");
    FleetSimulator simulator = new FleetSimulator(settings.kafka(), settings.postgres(), out);
    try {
      simulator.run(options, manifest, null);
    } finally {
      Files.deleteIfExists(manifest);
    }
    out.println("bench: follow: catching up the fleet's day first (not measured)");
    catchUpEveryStage(spark, settings, out);

    Map<String, List<String>> tablesByQuery = new LinkedHashMap<>();
    tablesByQuery.put(IngestLocationsJob.QUERY_NAME, List.of(FleetTable.LOCATIONS.id(),
        FleetTable.LOCATIONS_QUARANTINE.id(), FleetTable.QUALITY_RESULTS.id()));
    tablesByQuery.put(FleetJob.SILVER_LOCATIONS.jobName(), List.of(FleetTable.LOCATIONS_ENRICHED.id()));
    tablesByQuery.put("gold-pings", List.of(FleetTable.UNIT_ACTIVITY_HOURLY.id(), FleetTable.FLEET_DAILY.id(),
        FleetTable.RESOURCE_USAGE_FEATURES.id()));
    String silver = FleetTable.LOCATIONS_ENRICHED.path(settings.lake());
    long silverVersion = DeltaTable.forPath(spark, silver).history(1).first().getLong(0);
    BatchesWithRows batches = new BatchesWithRows();
    spark.streams().addListener(batches);
    long from = System.currentTimeMillis();
    List<StreamingQuery> queries = new ArrayList<>();
    queries.addAll(start(spark, FleetJob.INGEST_LOCATIONS, settings, out));
    queries.addAll(start(spark, FleetJob.SILVER_LOCATIONS, settings, out));
    queries.addAll(start(spark, FleetJob.GOLD, settings, out));
    out.printf("bench: follow: %d units live for %d s, a micro-batch every %d s%n", options.units(), followSeconds, trigger.toSeconds());
    simulator.follow(options, new FleetSimulator.Follow(speedup, Duration.ofSeconds(followSeconds)));
    for (StreamingQuery query : queries) {
      query.processAllAvailable(); // in stage order: each drains what the one before committed
    }
    for (StreamingQuery query : queries) {
      query.stop();
    }
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.streams().removeListener(batches);
    long to = System.currentTimeMillis();

    Dataset<Row> inserted = spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", silverVersion + 1).load(silver)
        .where("_change_type = 'insert'")
        .select(col("kafka_partition"), col("kafka_offset"), col("_commit_timestamp"));
    Dataset<Row> sent = spark.read().format("delta").load(FleetTable.LOCATIONS.path(settings.lake()))
        .where(col("kafka_timestamp").geq(new Timestamp(from)))
        .select("kafka_partition", "kafka_offset", "kafka_timestamp");
    Row latency = sent.join(inserted, sent.col("kafka_partition").equalTo(inserted.col("kafka_partition"))
            .and(sent.col("kafka_offset").equalTo(inserted.col("kafka_offset"))))
        .selectExpr("CAST((unix_millis(_commit_timestamp) - unix_millis(kafka_timestamp)) / 1000.0 AS DOUBLE) AS seconds")
        .selectExpr("count(*)", "percentile(seconds, 0.5)", "percentile(seconds, 0.95)", "max(seconds)")
        .first();
    long rows = latency.getLong(0);
    GoldLatency gold = goldLatency(spark, settings, sent, from);


    Map<String, long[]> filesAndBatches = new LinkedHashMap<>();
    Map<String, Object> perTable = new LinkedHashMap<>();
    for (var entry : tablesByQuery.entrySet()) {
      long withRows = batches.count(entry.getKey());
      for (String table : entry.getValue()) {
        String[] parts = table.split("/");
        long files = filesAdded(spark, settings.lake().table(parts[0], parts[1]), from, to);
        filesAndBatches.put(table, new long[] {files, withRows});
        perTable.put(table, Map.of("files_added", files, "micro_batches_with_rows", withRows, "query", entry.getKey()));
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("units", options.units());
    json.put("follow_seconds", followSeconds);
    json.put("trigger_seconds", trigger.toSeconds());
    json.put("speedup", speedup);
    json.put("live_rows_in_silver", rows);
    json.put("latency_p50_seconds", rows == 0 ? null : latency.getDouble(1));
    json.put("latency_p95_seconds", rows == 0 ? null : latency.getDouble(2));
    json.put("latency_max_seconds", rows == 0 ? null : latency.getDouble(3));
    json.put("gold_live_pings", gold.pings());
    json.put("gold_pings_counted", gold.counted());
    json.put("gold_latency_p50_seconds", nullIfNaN(gold.p50Seconds()));
    json.put("gold_latency_p95_seconds", nullIfNaN(gold.p95Seconds()));
    json.put("gold_latency_max_seconds", nullIfNaN(gold.maxSeconds()));
    json.put("tables", perTable);
    return new FollowRun(rows, rows == 0 ? Double.NaN : latency.getDouble(1), rows == 0 ? Double.NaN : latency.getDouble(2),
        rows == 0 ? Double.NaN : latency.getDouble(3), gold, filesAndBatches, json);
  }

  private static Double nullIfNaN(double value) {
    return Double.isNaN(value) ? null : value;
  }

  /**
   * When each live ping reached gold: gold/unit_activity_hourly has no change feed, so each of its versions
   * committed during the run is read (the live days only), and a ping is in gold from the first version whose
   * row for its unit and hour counts as many pings as its rank in that hour (live pings come in event order).
   */
  private static GoldLatency goldLatency(SparkSession spark, Settings settings, Dataset<Row> sent, long from) {
    String hourly = FleetTable.UNIT_ACTIVITY_HOURLY.path(settings.lake());
    String silver = FleetTable.LOCATIONS_ENRICHED.path(settings.lake());
    java.sql.Date firstLiveDay = java.sql.Date.valueOf(new Timestamp(from).toInstant().atZone(ZoneOffset.UTC).toLocalDate()
        .minusDays(1));
    Dataset<Row> states = null;
    for (Row version : DeltaTable.forPath(spark, hourly).history().where(col("timestamp").geq(new Timestamp(from)))
        .select("version", "timestamp").collectAsList()) {
      Dataset<Row> state = spark.read().format("delta").option("versionAsOf", version.getLong(0)).load(hourly)
          .where(col("date").geq(org.apache.spark.sql.functions.lit(firstLiveDay)))
          .select(col("unit_id"), col("hour"), col("pings"),
              org.apache.spark.sql.functions.lit(version.getTimestamp(1)).as("gold_commit"));
      states = states == null ? state : states.unionByName(state);
    }
    Dataset<Row> ranked = spark.read().format("delta").load(silver)
        .where(col("event_date").geq(org.apache.spark.sql.functions.lit(firstLiveDay)))
        .selectExpr("unit_id", "date_trunc('hour', event_time) AS hour", "kafka_partition", "kafka_offset",
            "row_number() OVER (PARTITION BY unit_id, date_trunc('hour', event_time) ORDER BY event_time, event_id) AS rank");
    Dataset<Row> live = ranked.join(sent, new String[] {"kafka_partition", "kafka_offset"});
    long pings = live.count();
    if (states == null || pings == 0) {
      return new GoldLatency(pings, 0, Double.NaN, Double.NaN, Double.NaN);
    }
    Dataset<Row> reached = live.join(states, live.col("unit_id").equalTo(states.col("unit_id"))
            .and(live.col("hour").equalTo(states.col("hour"))).and(states.col("pings").geq(live.col("rank"))))
        .groupBy(live.col("kafka_partition"), live.col("kafka_offset"), live.col("kafka_timestamp"))
        .agg(org.apache.spark.sql.functions.min("gold_commit").as("gold_commit"))
        .selectExpr("CAST((unix_millis(gold_commit) - unix_millis(kafka_timestamp)) / 1000.0 AS DOUBLE) AS seconds");
    Row latency = reached.selectExpr("count(*)", "percentile(seconds, 0.5)", "percentile(seconds, 0.95)", "max(seconds)").first();
    long counted = latency.getLong(0);
    return counted == 0 ? new GoldLatency(pings, 0, Double.NaN, Double.NaN, Double.NaN)
        : new GoldLatency(pings, counted, latency.getDouble(1), latency.getDouble(2), latency.getDouble(3));
  }

  private static List<StreamingQuery> start(SparkSession spark, FleetJob job, Settings settings, PrintStream out)
      throws Exception {
    return ((StreamingJob) job.create()).start(spark, new JobContext(job.jobName(), settings, false, List.of(), out));
  }

  /** Files the commits between the two times added to a table (Delta's own operation metrics). */
  private static long filesAdded(SparkSession spark, String table, long from, long to) {
    if (!DeltaTable.isDeltaTable(spark, table)) {
      return 0;
    }
    Row sum = DeltaTable.forPath(spark, table).history()
        .where(col("timestamp").geq(new Timestamp(from)).and(col("timestamp").leq(new Timestamp(to))))
        .selectExpr("sum(cast(coalesce(operationMetrics['numTargetFilesAdded'], operationMetrics['numAddedFiles'], "
            + "operationMetrics['numFiles'], '0') AS BIGINT))")
        .first();
    return sum.isNullAt(0) ? 0 : sum.getLong(0);
  }

  /** Micro-batches that read at least one row, per query: the batches that could have written files. */
  private static final class BatchesWithRows extends StreamingQueryListener {
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    long count(String query) {
      return counts.getOrDefault(query, 0L);
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      if (event.progress().numInputRows() > 0 && event.progress().name() != null) {
        counts.merge(event.progress().name(), 1L, Long::sum);
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }

  /** The stages P9 follows, in the order a live micro-batch goes through them. */
  static final List<String> P9_STAGES = List.of("ingest", "poll", JobName.SILVER_DIMENSIONS.command(),
      JobName.SILVER_LOCATIONS.command(), JobName.GOLD.command());

  /** One stage's live micro-batches on one lake: seconds and files read, batch by batch. */
  private record LiveCost(List<Double> seconds, List<Long> files, List<Long> logFiles) {
    LiveCost() {
      this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    Map<String, Object> json() {
      return Map.of("seconds", seconds, "data_files_read", files, "log_files_read", logFiles, "p95_seconds", p95(seconds),
          "p95_data_files_read", p95(files), "p95_log_files_read", p95(logFiles));
    }
  }

  /** A lake of some age, caught up, and what its live micro-batches cost. */
  private record AgedLake(int days, BenchEnvironment environment, Simulation.Options options, FleetSimulator simulator,
                          TablePoller poller, long historyRecords, double catchUpSeconds, Map<String, LiveCost> stages) {
    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("history_days", days);
      m.put("history_records", historyRecords);
      m.put("catch_up_seconds", catchUpSeconds);
      Map<String, Object> perStage = new LinkedHashMap<>();
      stages.forEach((stage, cost) -> perStage.put(stage, cost.json()));
      m.put("live_batches", perStage);
      return m;
    }
  }

  private record P9Run(AgedLake young, AgedLake old, int batches) {}

  /** Nearest rank: of fewer than 20 values, the largest. */
  static double p95(List<? extends Number> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().map(Number::doubleValue).sorted().toList();
    return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
  }

  /**
   * P9: a lake with one day of history and one with {@code days}, each caught up, then followed live by its
   * running streams: {@code batches} rounds of one 15-minute round of pings, five units' statistics restated
   * and one unit renamed in Postgres, a poll, and every stream drained in stage order. A stage whose reads grow
   * with the lake's age costs more seconds and reads more files on the older lake.
   */
  private static P9Run lakeAge(SparkSession spark, Settings settings, String runId, int units, int days, int batches,
                               boolean keep, PrintStream out) throws Exception {
    // the streams look for new data every second: a round's batches follow each other without waiting
    Map<String, Object> live = Map.of("streaming.trigger-interval", "1 second", "streaming.table-check-interval", "1 second");
    AgedLake young;
    AgedLake old;
    BatchSeconds batchSeconds = new BatchSeconds();
    spark.streams().addListener(batchSeconds);
    try (FilesRead files = FilesRead.count(spark)) {
      try (BenchEnvironment lake = BenchEnvironment.create(spark, settings, runId, "age1", live, keep)) {
        young = catchUp(spark, lake, units, 1, out);
        liveRounds(spark, young, batches, batchSeconds, files, out);
      }
      try (BenchEnvironment lake = BenchEnvironment.create(spark, settings, runId, "age" + days, live, keep)) {
        old = catchUp(spark, lake, units, days, out);
        liveRounds(spark, old, batches, batchSeconds, files, out);
      }
    } finally {
      spark.streams().removeListener(batchSeconds);
    }
    return new P9Run(young, old, batches);
  }

  private static AgedLake catchUp(SparkSession spark, BenchEnvironment environment, int units, int days, PrintStream out)
      throws Exception {
    Settings settings = environment.settings();
    Simulation.Options options = options(units, days);
    FleetSimulator simulator = new FleetSimulator(settings.kafka(), settings.postgres(), out);
    Path manifest = Files.createTempFile("fleetlake-bench-", ".json");
    long records;
    try {
      records = ((Number) simulator.run(options, manifest, null).get("records_produced")).longValue();
    } finally {
      Files.deleteIfExists(manifest);
    }
    out.printf("bench: P9: catching up a %d-day lake of %d units (%,d records; not measured)%n", days, units, records);
    long start = System.nanoTime();
    catchUpEveryStage(spark, settings, out);
    double seconds = BenchEnvironment.seconds(start);
    Map<String, LiveCost> stages = new LinkedHashMap<>();
    P9_STAGES.forEach(stage -> stages.put(stage, new LiveCost()));
    return new AgedLake(days, environment, options, simulator,
        new TablePoller(spark, settings.postgres(), settings.poll(), settings.lake()), records, seconds, stages);
  }

  /**
   * The lake's streams running as run-all runs them, then {@code batches} rounds. A stream's seconds are its
   * micro-batches' own (the progress events' triggerExecution, batches with rows), its files those its query
   * read during the round; the poll's are the two tables' polls, as run-all's timer makes them.
   */
  private static void liveRounds(SparkSession spark, AgedLake lake, int batches, BatchSeconds batchSeconds, FilesRead files,
                                 PrintStream out) throws Exception {
    Settings settings = lake.environment().settings();
    Map<String, List<StreamingQuery>> streams = new LinkedHashMap<>();
    streams.put("ingest", start(spark, FleetJob.INGEST_LOCATIONS, settings, out));
    streams.put(FleetJob.SILVER_DIMENSIONS.jobName(), start(spark, FleetJob.SILVER_DIMENSIONS, settings, out));
    streams.put(FleetJob.SILVER_LOCATIONS.jobName(), start(spark, FleetJob.SILVER_LOCATIONS, settings, out));
    streams.put(FleetJob.GOLD.jobName(), start(spark, FleetJob.GOLD, settings, out));
    try {
      int units = lake.options().units();
      // round 0 is the streams' first batch after their start (plans, caches, a first look at each table): not counted
      for (int round = 0; round <= batches; round++) {
        lake.simulator().liveRounds(lake.options(), round, 1);
        lake.environment().sourceSql("UPDATE unit_performance SET distance_km = distance_km + 0.1, updated_at = now() "
            + "WHERE stat_date = (SELECT max(stat_date) FROM unit_performance) AND unit_id IN "
            + "(SELECT unit_id FROM transport_units ORDER BY unit_id OFFSET " + (round * 5) % units + " LIMIT 5)");
        lake.environment().sourceSql("UPDATE transport_units SET name = name || ' " + round + "', updated_at = now() "
            + "WHERE unit_id = (SELECT unit_id FROM transport_units ORDER BY unit_id OFFSET " + round % units + " LIMIT 1)");
        files.take(FilesRead.DRIVER);
        long start = System.nanoTime();
        for (PolledTable table : settings.poll().tables()) {
          lake.poller().poll(table);
        }
        double pollSeconds = BenchEnvironment.seconds(start);
        Map<String, Long> pollFiles = files.take(FilesRead.DRIVER);
        for (List<StreamingQuery> queries : streams.values()) {
          for (StreamingQuery query : queries) {
            query.processAllAvailable(); // in stage order: each drains what the one before committed
          }
        }
        StringBuilder line = new StringBuilder(String.format("bench: P9: round %d, %d-day lake:", round, lake.days()));
        for (String stage : P9_STAGES) {
          double seconds = 0;
          Map<String, Long> read = new java.util.TreeMap<>();
          if (stage.equals("poll")) {
            seconds = pollSeconds;
            read.putAll(pollFiles);
          } else {
            for (StreamingQuery query : streams.get(stage)) {
              seconds += batchSeconds.take(query.id());
              files.take(query.id().toString()).forEach((table, n) -> read.merge(table, n, Long::sum));
            }
          }
          if (round > 0) {
            // Delta's log apart: its reads are bounded by the checkpoint interval (a checkpoint every 10 commits)
            // whatever the age, and how many a round meets is its tables' versions modulo 10
            long log = read.entrySet().stream().filter(e -> e.getKey().endsWith("/_delta_log"))
                .mapToLong(Map.Entry::getValue).sum();
            lake.stages().get(stage).seconds().add(seconds);
            lake.stages().get(stage).files().add(FilesRead.total(read) - log);
            lake.stages().get(stage).logFiles().add(log);
          }
          line.append(String.format(" %s %.1f s %,d files %s;", stage, seconds, FilesRead.total(read), read));
        }
        out.println(line.substring(0, line.length() - 1) + (round == 0 ? " (warm-up, not counted)" : ""));
      }
    } finally {
      for (List<StreamingQuery> queries : streams.values()) {
        for (StreamingQuery query : queries) {
          query.stop();
        }
      }
    }
  }

  /** Per query, the seconds its micro-batches with rows took (triggerExecution), since the last take. */
  private static final class BatchSeconds extends StreamingQueryListener {
    private final Map<java.util.UUID, java.util.concurrent.atomic.DoubleAdder> seconds = new ConcurrentHashMap<>();

    double take(java.util.UUID query) throws java.util.concurrent.TimeoutException {
      SparkSession.active().sparkContext().listenerBus().waitUntilEmpty();
      java.util.concurrent.atomic.DoubleAdder taken = seconds.remove(query);
      return taken == null ? 0 : taken.sum();
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      Long ms = event.progress().durationMs().get("triggerExecution");
      if (ms != null && event.progress().numInputRows() > 0) {
        seconds.computeIfAbsent(event.progress().id(), id -> new java.util.concurrent.atomic.DoubleAdder()).add(ms / 1000.0);
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }

  private static void p9Figures(BenchReport report, P9Run run) {
    for (String stage : P9_STAGES) {
      LiveCost young = run.young().stages().get(stage);
      LiveCost old = run.old().stages().get(stage);
      double seconds = p95(old.seconds()) / p95(young.seconds());
      double files = p95(young.files()) == 0 ? (p95(old.files()) == 0 ? 1 : Double.POSITIVE_INFINITY)
          : p95(old.files()) / p95(young.files());
      // the worse of the two: a stage may hide growing reads behind a fixed cost in seconds, or the reverse
      report.add("P9." + stage, stage + ": live micro-batch, " + run.old().days() + "-day lake ÷ 1-day lake",
          Math.max(seconds, files), Goal.AT_MOST, 1.2, 0,
          String.format("p95 seconds %.2f ÷ %.2f = %.2f; p95 data files read %,.0f ÷ %,.0f = %s (Delta log files %,.0f and %,.0f); "
                  + "%d batches", p95(old.seconds()), p95(young.seconds()), seconds, p95(old.files()), p95(young.files()),
              BenchReport.plain(files), p95(old.logFiles()), p95(young.logFiles()), run.batches()));
    }
  }

  private static void fleetFigures(BenchReport report, List<FleetRun> fleets, FleetRun backfill, int backfillDays, double[] fit,
                                   Settings settings) {
    FleetRun largest = fleets.get(fleets.size() - 1);
    String at = " (scale " + largest.scale() + ", " + String.format("%,d", largest.records()) + " records)";
    double baselineRate = largest.records() / largest.baselineSeconds();
    report.add("P2", "bronze ingest rows/s ÷ baseline rows/s" + at, largest.baselineSeconds() / largest.ingestSeconds(),
        Goal.AT_LEAST, 0.8, 0, String.format("ingest %,.0f rows/s, baseline %,.0f rows/s", largest.records() / largest.ingestSeconds(), baselineRate));
    report.add("P1", "Kafka→bronze→silver→gold rows/s ÷ baseline" + at, largest.baselineSeconds() / largest.pipelineSeconds(),
        Goal.AT_LEAST, 0.35, 0, String.format("%,.0f rows/s end to end (ingest %.1f s + silver %.1f s + gold %.1f s)",
            largest.records() / largest.pipelineSeconds(), largest.ingestSeconds(), largest.silverSeconds(), largest.goldSeconds()));
    report.add("P3", "provider weight ÷ distinct (cell, day) keys" + at, largest.weather().weight() / largest.weatherKeys(),
        Goal.AT_MOST, 1.0, 0, String.format("weight %,.0f in %,d requests for %,d keys; %,d location-days asked",
            largest.weather().weight(), largest.weather().calls(), largest.weatherKeys(), largest.weather().locationDays()));
    // a location entry weighs at least 1 however few of its days are needed: weight ÷ keys cannot go below
    // cells ÷ keys, which the units' movement decides (a ship stays in its cell for days, an aircraft does not)
    report.add("P3_backfill_keys", "provider weight ÷ distinct (cell, day) keys, a " + backfillDays + "-day backfill of 4 units",
        backfill.weather().weight() / backfill.weatherKeys(), Goal.AT_MOST, 0.25, 0,
        String.format("weight %,.0f for %,d keys in %,d cells; the floor, cells ÷ keys, is %.3f for this fleet's units",
            backfill.weather().weight(), backfill.weatherKeys(), backfill.weatherCells(),
            (double) backfill.weatherCells() / backfill.weatherKeys()));
    report.add("P3_backfill_cells", "provider weight ÷ distinct cells, a " + backfillDays + "-day backfill of 4 units",
        backfill.weather().weight() / backfill.weatherCells(), Goal.AT_MOST, 1.0, 0,
        String.format("weight %,.0f for %,d cells: each cell's days in one location entry", backfill.weather().weight(),
            backfill.weatherCells()));
    report.add("P3_rate_limited", "requests answered 429", largest.weather().rateLimited() + backfill.weather().rateLimited(),
        Goal.AT_MOST, 0, 0, "the budget keeps every window within weather.limits");
    double perUnitDay = largest.cellDaysPerUnitDay().get("all");
    String mix = largest.cellDaysPerUnitDay().entrySet().stream().filter(e -> !e.getKey().equals("all"))
        .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).collect(java.util.stream.Collectors.joining(", "));
    report.add("P3_free_tier_units", "units the free tier (10,000 a day) sustains at 15-min pings" + at, Math.floor(10_000 / perUnitDay),
        Goal.AT_LEAST, 60, 0, String.format("%.1f cell-days per unit-day at %.2f° (%s)", perUnitDay,
            settings.weather().gridDegrees(), mix));
    if (settings.weather().limits().day() > 0) {
      report.add("P3_plan_day_units", "units weather.limits.day (" + String.format("%,.0f", settings.weather().limits().day())
              + " a day) sustains" + at, Math.floor(settings.weather().limits().day() / perUnitDay), Goal.AT_LEAST, 60, 0,
          "the configured plan's day, at the same mix");
    }
    double minuteLimit = settings.weather().limits().minute();
    report.add("P3_peak_minute", "peak weight/min ÷ weather.limits.minute" + at,
        minuteLimit > 0 ? largest.weather().peakWeightPerMinute() / minuteLimit : Double.NaN, Goal.AT_MOST, 1.0, 0,
        String.format("peak %,.0f a minute, limit %,.0f; %d answered 429", largest.weather().peakWeightPerMinute(),
            minuteLimit, largest.weather().rateLimited()));
  }

  private static void followFigures(BenchReport report, FollowRun follow, Duration trigger) {
    {
      report.add("P4", "p95 (silver commit − Kafka timestamp) ÷ trigger", follow.p95Seconds() / trigger.toSeconds(),
          Goal.AT_MOST, 1.5, 0, String.format("%,d live pings: p50 %.1f s, p95 %.1f s, max %.1f s; trigger %d s", follow.rows(),
              follow.p50Seconds(), follow.p95Seconds(), follow.maxSeconds(), trigger.toSeconds()));
      GoldLatency gold = follow.gold();
      // a ping never counted in gold is as late as the run is long: the figure cannot pass with many of them
      double goldP95 = gold.pings() == 0 || gold.counted() < 0.95 * gold.pings() ? Double.NaN : gold.p95Seconds();
      report.add("P4_gold", "p95 (gold commit − Kafka timestamp) ÷ trigger", goldP95 / trigger.toSeconds(),
          Goal.AT_MOST, 2.0, 0, String.format("%,d of %,d live pings counted in gold/%s: p50 %.1f s, p95 %.1f s, max %.1f s",
              gold.counted(), gold.pings(), FleetTable.UNIT_ACTIVITY_HOURLY.tableName(), gold.p50Seconds(), gold.p95Seconds(), gold.maxSeconds()));
      for (var entry : follow.filesAndBatches().entrySet()) {
        long files = entry.getValue()[0];
        long batches = entry.getValue()[1];
        report.add("P5." + entry.getKey(), "files added per micro-batch: " + entry.getKey(), batches == 0 ? Double.NaN : (double) files / batches,
            Goal.AT_MOST, 2, 0, String.format("%,d files in %,d micro-batches with rows", files, batches));
      }
    }
  }

  private static void pollFigures(BenchReport report, PollRun poll) {
    {
      report.add("P6", "Postgres rows read per incremental poll ÷ rows changed", (double) poll.rowsRead() / poll.rowsChanged(),
          Goal.AT_MOST, 1.1, 0, String.format("%,d read for %,d changed; %,d read with nothing changed",
              poll.rowsRead(), poll.rowsChanged(), poll.idleRowsRead()));
      // several commits to one unit between two polls are read as its latest version once: at most 1 when right
      report.add("P6_busy", "the same on a busy source (a writer committing during the polls)",
          poll.busyRowsChanged() == 0 ? Double.NaN : (double) poll.busyRowsRead() / poll.busyRowsChanged(),
          Goal.AT_MOST, 1.1, 0, String.format("%,d read for %,d commits; deletes: %,d keys compared in %.1f s",
              poll.busyRowsRead(), poll.busyRowsChanged(), poll.reconcileKeys(), poll.reconcileSeconds()));
    }
  }

  /**
   * P7: the marginal cost of a record at the largest scale (the slope between the two largest) ÷ at the smallest
   * (the slope between the two smallest). A run's fixed seconds cancel out of both slopes, so the figure shows
   * superlinear growth, which a ratio of whole times hides behind them.
   */
  private static void p7Figure(BenchReport report, List<FleetRun> fleets, double[] fit) {
    FleetRun a = fleets.get(0);
    FleetRun b = fleets.get(1);
    FleetRun y = fleets.get(fleets.size() - 2);
    FleetRun z = fleets.get(fleets.size() - 1);
    double small = (b.pipelineSeconds() - a.pipelineSeconds()) / (b.records() - a.records());
    double large = (z.pipelineSeconds() - y.pipelineSeconds()) / (z.records() - y.records());
    report.add("P7", "seconds per record, scales " + y.scale() + "→" + z.scale() + " ÷ scales " + a.scale() + "→" + b.scale(),
        large / small, Goal.AT_MOST, 1.1, 0,
        String.format("%.3f ms vs %.3f ms per added record; end to end %s s; fitted: %.1f s + %.3f ms per record",
            large * 1000, small * 1000, fleets.stream().map(f -> String.format("%.1f", f.pipelineSeconds()))
                .collect(java.util.stream.Collectors.joining(" / ")), fit[0], fit[1] * 1000));
  }

  /**
   * Least squares of end-to-end seconds over records, {@code [fixed seconds, seconds per record]}: how much of
   * a run's time does not grow with its size (what makes P7 sublinear), and what a record costs.
   */
  static double[] fit(List<FleetRun> fleets) {
    int n = fleets.size();
    double meanX = fleets.stream().mapToDouble(FleetRun::records).average().orElse(0);
    double meanY = fleets.stream().mapToDouble(FleetRun::pipelineSeconds).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (FleetRun f : fleets) {
      sxy += (f.records() - meanX) * (f.pipelineSeconds() - meanY);
      sxx += (f.records() - meanX) * (f.records() - meanX);
    }
    double slope = n < 2 || sxx == 0 ? Double.NaN : sxy / sxx;
    return new double[] {meanY - slope * meanX, slope};
  }

  private static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      m.put("memory_gib", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    }
    m.put("driver_max_heap_gib", Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    return m;
  }

  private static Map<String, Object> versions(SparkSession spark) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fleetlake", String.valueOf(BenchJob.class.getPackage().getImplementationVersion()));
    m.put("java", System.getProperty("java.version"));
    m.put("spark", spark.version());
    m.put("scala", scala.util.Properties.versionNumberString());
    try {
      // io.delta.package: "package" cannot be named in Java source
      m.put("delta", Class.forName("io.delta.package").getMethod("VERSION").invoke(null));
    } catch (ReflectiveOperationException e) {
      m.put("delta", "unknown");
    }
    m.put("kafka_client", org.apache.kafka.common.utils.AppInfoParser.getVersion());
    m.put("hadoop", org.apache.hadoop.util.VersionInfo.getVersion());
    return m;
  }

  private static Map<String, Object> benchSettings(SparkSession spark, int units, int days, List<Integer> scales, Duration trigger, int followSeconds,
                                                   double speedup, int p9Days, int p9Batches, Settings settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("units", units);
    m.put("days", days);
    m.put("scales", scales);
    m.put("trigger_seconds", trigger.toSeconds());
    m.put("follow_seconds", followSeconds);
    m.put("speedup", speedup);
    m.put("p9_days", p9Days);
    m.put("p9_batches", p9Batches);
    m.put("spark_master", spark.sparkContext().master());
    m.put("shuffle_partitions", settings.spark().shufflePartitions());
    m.put("max_offsets_per_trigger", settings.ingest().maxOffsetsPerTrigger());
    m.put("silver_max_files_per_trigger", settings.streaming().silverMaxFilesPerTrigger());
    m.put("weather_limits", List.of(settings.weather().limits().minute(), settings.weather().limits().hour(),
        settings.weather().limits().day()));
    m.put("weather_grid_degrees", settings.weather().gridDegrees());
    m.put("kafka_partitions", settings.localStack().kafkaPartitions());
    return m;
  }
}
