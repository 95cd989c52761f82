package io.fleetlake.app;

import io.fleetlake.config.Settings;
import io.fleetlake.health.CheckResult;
import io.fleetlake.health.EndpointChecks;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Says so when a micro-batch runs longer than {@code streaming.stall-notice-after}, and what the endpoints
 * answer then (doctor's checks, each bounded to seconds). An unreachable S3 otherwise shows as nothing at all:
 * S3A retries for minutes inside the batch before it fails the query, and Spark prints no progress until the
 * batch ends. Once such a batch ends, that is said too.
 */
public final class StallWatch implements AutoCloseable {
  private record Running(long sinceMs, long lastNoticeMs) {}

  private final SparkSession spark;
  private final Settings settings;
  private final PrintStream out;
  private final long noticeAfterMs;
  private final ScheduledExecutorService timer;
  /** Per query: the batch in flight, keyed by the last batch it completed before it. */
  private final Map<UUID, Map.Entry<Long, Running>> inFlight = new HashMap<>();

  private StallWatch(SparkSession spark, Settings settings, PrintStream out) {
    this.spark = spark;
    this.settings = settings;
    this.out = out;
    this.noticeAfterMs = settings.streaming().stallNoticeAfter().toMillis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "stall-watch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Looks at every active query of the session a few times per notice interval until closed. */
  public static StallWatch start(SparkSession spark, Settings settings, PrintStream out) {
    StallWatch watch = new StallWatch(spark, settings, out);
    long every = Math.max(1_000, Math.min(15_000, watch.noticeAfterMs / 3));
    watch.timer.scheduleWithFixedDelay(watch::look, every, every, TimeUnit.MILLISECONDS);
    return watch;
  }

  private void look() {
    try {
      long now = System.currentTimeMillis();
      List<String> stalled = new ArrayList<>();
      for (StreamingQuery query : spark.streams().active()) {
        StreamingQueryProgress last = query.lastProgress();
        long lastBatch = last == null ? -1 : last.batchId();
        Map.Entry<Long, Running> seen = inFlight.get(query.id());
        if (!query.status().isTriggerActive() || (seen != null && seen.getKey() != lastBatch)) {
          if (seen != null && seen.getValue().lastNoticeMs() > 0) {
            out.printf("%s: the slow micro-batch went on after %s%n", query.name(), human(now - seen.getValue().sinceMs()));
            out.flush();
          }
          inFlight.remove(query.id());
          if (!query.status().isTriggerActive()) {
            continue;
          }
          seen = null;
        }
        if (seen == null) {
          inFlight.put(query.id(), Map.entry(lastBatch, new Running(now, 0)));
          continue;
        }
        Running running = seen.getValue();
        if (now - running.sinceMs() >= noticeAfterMs && now - running.lastNoticeMs() >= noticeAfterMs) {
          inFlight.put(query.id(), Map.entry(lastBatch, new Running(running.sinceMs(), now)));
          stalled.add(String.format("%s: micro-batch %d has run for %s (%s; the one before took %s)", query.name(),
              lastBatch + 1, human(now - running.sinceMs()), query.status().message(),
              last == null ? "none before it" : human(last.batchDuration())));
        }
      }
      if (!stalled.isEmpty()) {
        // not the weather API: a check is a request the provider weighs, outside the application's budget (a
        // batch that waits for that budget says so itself)
        List<CheckResult> checks = List.of(EndpointChecks.lake(settings), EndpointChecks.kafka(settings.kafka()),
            EndpointChecks.postgres(settings.postgres()));
        List<CheckResult> failing = checks.stream().filter(c -> !c.ok()).toList();
        for (String line : stalled) {
          out.println(line);
        }
        if (failing.isEmpty()) {
          out.println("  every endpoint answers (doctor's checks): a large batch, most likely");
        } else {
          for (CheckResult check : failing) {
            out.println("  " + check.line());
          }
          out.println("  the batch waits while its client retries (S3A: fs.s3a.retry.*, minutes), then goes on, or the query "
              + "fails and the job exits 1; nothing of the batch is committed before it ends, a restart runs it again");
        }
        out.flush();
      }
    } catch (RuntimeException e) {
      // a watch that fails must never take a job down with it
      out.println("fleetlake: the stall watch could not look at the queries: " + e.getMessage());
    }
  }

  private static String human(long ms) {
    Duration d = Duration.ofMillis(ms);
    return d.toMinutes() > 0 ? String.format("%d min %d s", d.toMinutes(), d.toSecondsPart()) : String.format("%.1f s", ms / 1000.0);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
