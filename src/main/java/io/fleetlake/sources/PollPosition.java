package io.fleetlake.sources;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a polled table's bronze stands, recorded in the userMetadata of the bronze commit that wrote the poll's
 * rows — committed with the data, so a crash between reading and writing neither skips nor duplicates:
 *
 * <pre>{"poll":{"snapshot":"7701:7705:7702","seen":[7701,7703],"reconciled_at":"2026-11-30T10:00:00Z"}}</pre>
 *
 * <ul>
 *   <li>{@code snapshot}: the source snapshot the poll read at. The next poll reads every row whose writing
 *       transaction id is at or above its xmin and not in {@code seen}: a transaction still running at the poll
 *       (whatever its start, its length, its rows' cursor values) is read once it has committed.</li>
 *   <li>{@code seen}: the ids at or above that xmin of rows already read. Without them the next poll would read
 *       again everything committed since the oldest running transaction began; they are few unless a
 *       transaction stays open for long on a busy source.</li>
 * </ul>
 *
 * Subtransactions are why the xmin bound and the seen list are used, not {@code pg_visible_in_snapshot}: a
 * subtransaction's id is not listed among a snapshot's running ids.
 */
public record PollPosition(SourceSnapshot snapshot, List<Long> seen, Optional<Instant> reconciledAt) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Commits looked at for the latest position: maintenance and erasures commit none in between. */
  private static final int HISTORY_LOOKED_AT = 50;
  static final int MAX_SEEN = 10_000;

  public PollPosition {
    seen = List.copyOf(new TreeSet<>(seen));
  }

  /** The position after a poll at {@code now} that read rows of {@code readXids}, from {@code previous}. */
  static PollPosition after(SourceSnapshot now, Optional<PollPosition> previous, List<Long> readXids,
                            Optional<Instant> reconciledAt) {
    TreeSet<Long> seen = new TreeSet<>();
    previous.ifPresent(p -> seen.addAll(p.seen()));
    seen.addAll(readXids);
    seen.headSet(now.xmin()).clear();
    // a transaction held open for hours on a busy source would grow the list without end: beyond the cap the
    // oldest ids are dropped, and their rows are read again (the MERGE on key and id drops them)
    while (seen.size() > MAX_SEEN) {
      seen.pollFirst();
    }
    return new PollPosition(now, List.copyOf(seen), reconciledAt);
  }

  public String json() {
    ObjectNode poll = JSON.createObjectNode();
    poll.put("snapshot", snapshot.text());
    var ids = poll.putArray("seen");
    seen.forEach(ids::add);
    reconciledAt.ifPresent(t -> poll.put("reconciled_at", t.toString()));
    ObjectNode root = JSON.createObjectNode();
    root.set("poll", poll);
    return root.toString();
  }

  static Optional<PollPosition> parse(String json) {
    try {
      JsonNode poll = JSON.readTree(json).get("poll");
      if (poll == null || !poll.hasNonNull("snapshot")) {
        return Optional.empty();
      }
      List<Long> seen = new ArrayList<>();
      poll.path("seen").forEach(n -> seen.add(n.asLong()));
      Optional<Instant> reconciled = poll.hasNonNull("reconciled_at")
          ? Optional.of(Instant.parse(poll.get("reconciled_at").asText())) : Optional.empty();
      return Optional.of(new PollPosition(SourceSnapshot.parse(poll.get("snapshot").asText()), seen, reconciled));
    } catch (IOException | RuntimeException notOurs) {
      return Optional.empty();
    }
  }

  /**
   * The position the latest poll recorded in the bronze table at {@code path}; empty if none did (a table written
   * by an older fleetlake, or a history rewritten): the caller then reads the source in full, never guesses.
   */
  static Optional<PollPosition> latest(SparkSession spark, String path) {
    DeltaTable table = DeltaTable.forPath(spark, path);
    Optional<PollPosition> recent = latestOf(table.history(HISTORY_LOOKED_AT));
    return recent.isPresent() ? recent : latestOf(table.history());
  }

  /**
   * The latest position and the time of its commit, read from the table's {@code _delta_log} with the file system
   * alone (no Spark: doctor), among the newest commits.
   */
  public static Optional<Map.Entry<PollPosition, Instant>> latestInLog(org.apache.hadoop.fs.FileSystem fs,
                                                                      org.apache.hadoop.fs.Path table) throws IOException {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(table, "_delta_log");
    if (!fs.exists(log)) {
      return Optional.empty();
    }
    List<org.apache.hadoop.fs.Path> commits = new ArrayList<>();
    for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(log)) {
      if (status.getPath().getName().matches("\\d{20}\\.json")) {
        commits.add(status.getPath());
      }
    }
    commits.sort(java.util.Comparator.comparing(org.apache.hadoop.fs.Path::getName).reversed());
    for (org.apache.hadoop.fs.Path commit : commits.subList(0, Math.min(HISTORY_LOOKED_AT, commits.size()))) {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(commit),
          java.nio.charset.StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode info = JSON.readTree(line).get("commitInfo");
          if (info != null && info.hasNonNull("userMetadata")) {
            Optional<PollPosition> position = parse(info.get("userMetadata").asText());
            if (position.isPresent()) {
              return Optional.of(Map.entry(position.get(), Instant.ofEpochMilli(info.path("timestamp").asLong())));
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<PollPosition> latestOf(Dataset<Row> history) {
    for (Row row : history.filter(col("userMetadata").isNotNull()).orderBy(col("version").desc())
        .select("userMetadata").collectAsList()) {
      Optional<PollPosition> position = parse(row.getString(0));
      if (position.isPresent()) {
        return position;
      }
    }
    return Optional.empty();
  }
}
