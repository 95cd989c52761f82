package io.fleetlake.pipeline;

import io.delta.tables.DeltaTable;
import io.fleetlake.app.FleetJob;
import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamProgressLog;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.app.WriterLease;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.config.MaintainSettings;
import io.fleetlake.config.Settings;
import io.fleetlake.erase.ErasureQueue;
import io.fleetlake.erase.ErasureRequest;
import io.fleetlake.erase.UnitErasure;
import io.fleetlake.gold.GoldJob;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.lake.TableLease;
import io.fleetlake.maintain.LakeMaintenance;
import io.fleetlake.maintain.TableMaintenance;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * Every streaming job in one Spark application, with the same checkpoints as when each runs alone (so one can
 * switch between the two). First the stages catch up in order — ingest and poll, then the silver jobs, then
 * gold — so that every table a stage reads exists; with {@code --available-now} that is all. Otherwise every
 * query then runs until stopped; if one fails (a source gone, a table's schema changed under a stream), its job
 * starts again from its checkpoint while the others go on, and only a job failing a fourth time within 30 minutes
 * stops them all and makes run-all exit 1. While they run,
 * run-all is also the lake's maintainer: a second driver's OPTIMIZE would break S3's one-writer-per-table rule.
 */
public final class RunAllJob implements Job {
  // before STAGES: FleetJob reads OPTIONS while it makes its constants, and STAGES reads those constants (the ones
  // above RUN_ALL, set by then), whichever of the two classes is initialised first
  public static final JobOptions OPTIONS = JobOptions.of(JobName.RUN_ALL, """
      Runs ingest-locations, poll-sources, silver-dimensions, silver-locations and gold in one Spark
      application: catches up stage by stage, then (without --available-now) keeps every query running and,
      every fleetlake.maintain.every, maintains the tables one by one between micro-batches (see maintain).""")
      .withAvailableNow().withConfig();
  /** A job whose query fails more often than this within the window stops run-all: something is broken for good. */
  private static final int RESTARTS_IN_WINDOW = 3;
  private static final Duration RESTART_WINDOW = Duration.ofMinutes(30);
  private static final List<List<FleetJob>> STAGES = List.of(
      List.of(FleetJob.INGEST_LOCATIONS, FleetJob.POLL_SOURCES),
      List.of(FleetJob.SILVER_DIMENSIONS),
      List.of(FleetJob.SILVER_LOCATIONS),
      List.of(FleetJob.GOLD));

  @Override
  public int run(JobContext context) throws Exception {
    OPTIONS.parse(context.args());
    List<String> written = new ArrayList<>(STAGES.stream().flatMap(List::stream)
        .flatMap(job -> ((StreamingJob) job.create()).writtenTables(context.settings()).stream()).toList());
    written.addAll(List.of(FleetTable.ERASURES.id(), FleetTable.ERASED_OFFSETS.id())); // run-all carries out erasures
    return StreamingSession.run(context, written, (spark, lease, progress) -> runStages(spark, context, lease, progress));
  }

  /** Catches up stage by stage; then, without --available-now, keeps every query running until stopped. */
  private static int runStages(SparkSession spark, JobContext context, TableLease lease, StreamProgressLog progress)
      throws Exception {
    List<String> failed = new ArrayList<>();
    for (List<FleetJob> stage : STAGES) {
      List<StreamingQuery> queries = new ArrayList<>();
      for (FleetJob job : stage) {
        List<String> missing = missingTables(spark, context, job);
        if (!missing.isEmpty()) {
          context.out().println("run-all: " + job.jobName() + " waits for " + String.join(", ", missing)
              + " (written by an earlier stage once it has something)");
          continue;
        }
        context.out().println("run-all: catching up: " + job.jobName());
        try {
          queries.addAll(start(spark, context, job, true));
        } catch (JobFailedException e) {
          // a source that is down holds back its own query only; the next round (or poll) tries again
          context.out().println("run-all: " + job.jobName() + " could not catch up: " + e.getMessage());
          failed.add(job.jobName());
        }
      }
      for (StreamingQuery query : queries) {
        try {
          query.awaitTermination();
        } catch (StreamingQueryException e) {
          // a source that fails mid catch-up (Kafka gone) holds back its own stage only
          context.out().println("run-all: " + query.name() + " could not catch up: " + e.getMessage());
          failed.add(query.name());
        }
      }
    }
    if (context.availableNow()) {
      spark.sparkContext().listenerBus().waitUntilEmpty();
      if (!failed.isEmpty()) {
        throw new JobFailedException("every other stage caught up, but not " + String.join(", ", failed) + " (see above)");
      }
      context.out().println("run-all: every stage caught up");
      return Job.OK;
    }
    List<StreamingQuery> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    Map<String, FleetJob> jobOfQuery = new java.util.concurrent.ConcurrentHashMap<>();
    List<FleetJob> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (List<FleetJob> stage : STAGES) {
      for (FleetJob job : stage) {
        if (!missingTables(spark, context, job).isEmpty()) {
          waiting.add(job);
          continue;
        }
        try {
          for (StreamingQuery query : start(spark, context, job, false)) {
            running.add(query);
            jobOfQuery.put(query.id().toString(), job);
          }
        } catch (JobFailedException e) {
          context.out().println("run-all: " + job.jobName() + " could not start, trying again: " + e.getMessage());
          waiting.add(job);
        }
      }
    }
    context.out().println("run-all: " + running.size() + " queries running until stopped: "
        + running.stream().map(StreamingQuery::name).toList()
        + (waiting.isEmpty() ? "" : "; waiting for their tables: " + waiting.stream().map(FleetJob::jobName).toList()));
    context.out().flush();
    // the catch-up queries have terminated: without this, awaitAnyTermination would return at once
    spark.streams().resetTerminated();
    ScheduledExecutorService starter = startWhenReady(spark, context, waiting, running, jobOfQuery);
    eraseWhenAsked(spark, context, starter);
    ScheduledExecutorService maintainer = maintainEvery(spark, context, progress);
    Map<FleetJob, List<Instant>> failures = new HashMap<>();
    try {
      while (true) {
        try {
          spark.streams().awaitAnyTermination();
          WriterLease.checkKept(lease);
          StreamingQuery stopped = running.stream().filter(q -> !q.isActive()).findFirst().orElse(null);
          context.out().println("run-all: query " + (stopped == null ? "?" : stopped.name()) + " stopped; stopping the others");
          break;
        } catch (StreamingQueryException e) {
          WriterLease.checkKept(lease);
          if (!restartFailedJobs(spark, context, running, jobOfQuery, waiting, failures, e)) {
            return Job.FAILED;
          }
        }
      }
    } finally {
      starter.shutdownNow();
      maintainer.shutdownNow();
      for (StreamingQuery query : running) {
        query.stop();
      }
    }
    return Job.OK;
  }

  /**
   * Puts every job with a failed query back among the waiting ones (the starter starts it again from its
   * checkpoint), its other queries stopped; false if a failure is not one to restart: a query run-all does not
   * know, or a job failing more than RESTARTS_IN_WINDOW times in RESTART_WINDOW. Under the lock the starter takes,
   * and until no failed query is left: one that fails while another is handled is not lost to resetTerminated.
   */
  private static boolean restartFailedJobs(SparkSession spark, JobContext context, List<StreamingQuery> running,
                                           Map<String, FleetJob> jobOfQuery, List<FleetJob> waiting,
                                           Map<FleetJob, List<Instant>> failures, StreamingQueryException first)
      throws java.util.concurrent.TimeoutException {
    synchronized (running) {
      List<StreamingQuery> broken = failedQueries(running);
      if (broken.isEmpty()) {
        context.out().println("run-all: a query failed, stopping the others: " + first.getMessage());
        return false;
      }
      while (!broken.isEmpty()) {
        for (StreamingQuery failed : broken) {
          FleetJob job = jobOfQuery.get(failed.id().toString());
          Instant now = Instant.now();
          List<Instant> recent = job == null ? new ArrayList<>() : failures.computeIfAbsent(job, j -> new ArrayList<>());
          recent.removeIf(t -> t.isBefore(now.minus(RESTART_WINDOW)));
          recent.add(now);
          String reason = failed.exception().isDefined() ? firstLine(failed.exception().get().getMessage()) : "?";
          if (job == null || recent.size() > RESTARTS_IN_WINDOW) {
            context.out().println("run-all: " + failed.name() + " failed" + (job == null ? "" : " " + recent.size()
                + " times in " + TableMaintenance.human(RESTART_WINDOW)) + ", stopping the others: " + reason);
            return false;
          }
          // a source down, a schema that changed under a stream (a column added in Postgres): the job's queries
          // start again from their checkpoints, the other stages go on
          context.out().println("run-all: " + failed.name() + " failed, starting " + job.jobName() + " again: " + reason);
          context.out().flush();
          for (StreamingQuery query : running) {
            if (job.equals(jobOfQuery.get(query.id().toString()))) {
              running.remove(query);
              query.stop();
            }
          }
          if (!waiting.contains(job)) {
            waiting.add(job);
          }
        }
        spark.streams().resetTerminated();
        broken = failedQueries(running);
      }
      return true;
    }
  }

  private static List<StreamingQuery> failedQueries(List<StreamingQuery> running) {
    return running.stream().filter(q -> !q.isActive() && q.exception().isDefined()).toList();
  }

  /** Rounds of maintenance, each table under the lake's write lock; a failure is printed, never fatal. */
  private static ScheduledExecutorService maintainEvery(SparkSession spark, JobContext context,
      StreamProgressLog progress) {
    ScheduledExecutorService maintainer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "run-all-maintain");
      thread.setDaemon(true);
      return thread;
    });
    MaintainSettings settings = context.settings().maintain();
    if (settings.every().isEmpty()) {
      return maintainer;
    }
    long every = settings.every().get().toMillis();
    PrintStream out = context.out();
    out.println("run-all: maintaining the tables every " + TableMaintenance.human(settings.every().get()));
    maintainer.scheduleWithFixedDelay(() -> {
      LakeMaintenance maintenance = new LakeMaintenance(spark, context.settings().lake(), out);
      for (MaintainedTable table : maintenance.present(settings.tables().stream()
          .filter(table -> writtenByRunAll(table) && (!table.id().equals(FleetTable.STREAM_PROGRESS.id()) || progress.writes()))
          .toList())) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        try {
          // maintain refuses an unsafe retention itself, before it touches the table
          LakeWriteLock.exclusive(() -> maintenance.maintain(table, settings.vacuumRetention(), false));
        } catch (Exception e) {
          if (maintainer.isShutdown()) {
            // run-all is ending: an OPTIMIZE cut short commits nothing
            out.println("run-all: maintain " + table.id() + " cut short by the stop; nothing was committed");
            return;
          }
          out.println("run-all: maintain " + table.id() + " failed, the next round tries again: " + e.getMessage());
        }
      }
      out.flush();
    }, every, every, TimeUnit.MILLISECONDS);
    return maintainer;
  }

  /**
   * Starts each waiting job once the tables it reads exist (or, for a job that could not start, once it can),
   * looking every table-check-interval.
   */
  private static ScheduledExecutorService startWhenReady(SparkSession spark, JobContext context, List<FleetJob> waiting,
                                                         List<StreamingQuery> running, Map<String, FleetJob> jobOfQuery) {
    ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "run-all-start");
      thread.setDaemon(true);
      return thread;
    });
    long every = context.settings().streaming().tableCheckInterval().toMillis();
    starter.scheduleWithFixedDelay(() -> {
      synchronized (running) { // not while a failed job's queries are being stopped
        startWaiting(spark, context, waiting, running, jobOfQuery);
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return starter;
  }

  private static void startWaiting(SparkSession spark, JobContext context, List<FleetJob> waiting,
                                   List<StreamingQuery> running, Map<String, FleetJob> jobOfQuery) {
    for (FleetJob job : waiting) {
      if (!missingTables(spark, context, job).isEmpty()) {
        continue;
      }
      try {
        for (StreamingQuery query : start(spark, context, job, false)) {
          running.add(query);
          jobOfQuery.put(query.id().toString(), job);
        }
        waiting.remove(job);
        context.out().println(((StreamingJob) job.create()).requiredTables().isEmpty()
            ? "run-all: " + job.jobName() + " started: its source answers now"
            : "run-all: the tables of " + job.jobName() + " exist now: started");
      } catch (Exception e) {
        context.out().println("run-all: " + job.jobName() + " could not start, trying again: " + e.getMessage());
      }
      context.out().flush();
    }
    boolean goldRunning = running.stream().anyMatch(q -> q.isActive() && FleetJob.GOLD.equals(jobOfQuery.get(q.id().toString())));
    if (goldRunning && running.stream().noneMatch(q -> q.isActive() && GoldJob.PERFORMANCE_QUERY.equals(q.name()))) {
      // gold started before silver/unit_performance existed: its second query starts once it does
      try {
        JobContext own = new JobContext(FleetJob.GOLD.jobName(), context.settings(), false, List.of(), context.out());
        GoldJob.startPerformance(spark, own).ifPresent(query -> {
          running.add(query);
          jobOfQuery.put(query.id().toString(), FleetJob.GOLD);
          context.out().println("run-all: silver/unit_performance exists now: " + query.name() + " started");
        });
      } catch (Exception e) {
        context.out().println("run-all: " + GoldJob.PERFORMANCE_QUERY + " could not start, trying again: " + e.getMessage());
      }
      context.out().flush();
    }
  }

  /**
   * Carries out the erasures the erase job queued, one at a time, with no micro-batch in flight (the lake's write
   * lock). gold/model_predictions is train-model's: its lease is taken for the erasure only, and while
   * train-model holds it the request waits for the next look.
   */
  private static void eraseWhenAsked(SparkSession spark, JobContext context, ScheduledExecutorService executor) {
    Settings settings = context.settings();
    ErasureQueue queue = new ErasureQueue(settings.lake(), spark.sparkContext().hadoopConfiguration());
    UnitErasure erasure = new UnitErasure(spark, settings.lake(), settings.poll().bronzeTables(), settings.gold());
    long every = settings.streaming().tableCheckInterval().toMillis();
    executor.scheduleWithFixedDelay(() -> {
      try {
        for (ErasureRequest request : queue.pending()) {
          try (TableLease predictions = TableLease.acquire(spark.sparkContext().hadoopConfiguration(),
              settings.lake().root(), List.of(FleetTable.MODEL_PREDICTIONS.id()), context.jobName(),
              settings.lake().leaseTtl(), Clock.systemUTC())) {
            UnitErasure.Result result = LakeWriteLock.exclusive(() -> erasure.erase(request));
            queue.markDone(request, result.line());
            context.out().println("run-all: " + result.line());
          } catch (TableLease.LeaseHeldException e) {
            context.out().println("run-all: erasure " + request.id() + " waits: " + e.getMessage());
          }
        }
      } catch (Exception e) {
        context.out().println("run-all: an erasure failed, the next look tries again: " + e);
      }
      context.out().flush();
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static List<String> missingTables(SparkSession spark, JobContext context, FleetJob job) {
    return ((StreamingJob) job.create()).requiredTables().stream()
        .filter(table -> !DeltaTable.isDeltaTable(spark, context.settings().lake().root() + "/" + table))
        .toList();
  }

  /** run-all maintains only tables its own queries write: train-model's tables have another driver. */
  private static boolean writtenByRunAll(MaintainedTable table) {
    return !List.of(FleetTable.MODEL_METRICS.id(), FleetTable.MODEL_PREDICTIONS.id()).contains(table.id());
  }

  private static List<StreamingQuery> start(SparkSession spark, JobContext context, FleetJob job, boolean availableNow)
      throws Exception {
    JobContext own = new JobContext(job.jobName(), context.settings(), availableNow, List.of(), context.out());
    return ((StreamingJob) job.create()).start(spark, own);
  }
}
