package io.fleetlake.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writing driver per table. A job takes a lease on every table it writes before it starts writing, keeps it
 * alive while it runs, and gives it back when it stops; a second job that wants to write any of those tables
 * refuses to start and names the first, so two drivers never commit to one table.
 *
 * <p>Why: on S3, Delta's S3SingleDriverLogStore serialises commits only inside one JVM. It assumes a single
 * driver per table, because S3 (through S3A) has no put-if-absent: two drivers committing version N at about
 * the same time both find {@code _delta_log/N.json} absent and both write it, the later PUT silently replaces
 * the earlier, and the first driver's data files become orphans although its batch reported success. The table
 * stays readable, so the loss shows only as missing rows, and streaming jobs that commit every few seconds hit
 * that window sooner or later. Delta cannot detect it; the cure is not to have two drivers.
 *
 * <p>The lease is a small JSON object, {@value #FILE_NAME}, in the table's root beside {@code _delta_log}: owner
 * (random per acquisition), host, job, pid, started, heartbeat and ttl. A holder rewrites its heartbeat every
 * ttl/4; a lease whose heartbeat is older than its ttl belongs to a driver presumed dead and may be taken over.
 * That is also what happens to a driver that is alive but could not renew for a whole ttl (a long GC pause, a
 * network partition, a suspended VM): a successor takes the table, and the paused driver learns at its next
 * heartbeat that it lost the lease ({@link #lost()}, the onLost listener) and must stop writing. Between those
 * two moments both may write; the ttl is the price of not needing a lock service, so keep it well above the
 * longest pause a healthy driver sees.
 *
 * <p>What remains racy. A lease is created with a write that must fail if the object exists. Where the Hadoop
 * connector supports it (S3A from Hadoop 3.4.2 on, against an endpoint that honours {@code If-None-Match: *}),
 * that is one conditional PUT and creation is atomic. Hadoop 3.3.4's S3A, which Spark 3.5 ships, has no
 * conditional PUT: {@code create(path, false)} probes with a HEAD (and a LIST) and then PUTs on close, so two
 * writers starting within the same ~100 ms can both see nothing and both create; the later PUT wins. Reading
 * the lease back right after writing it, and once more after all tables are taken, catches a loser whose rival's
 * PUT landed before that read, which narrows the window but cannot close it; a loser that slips through finds
 * out at its first heartbeat (within ttl/4) and is told to stop. Taking over an expired lease is a plain
 * overwrite on every endpoint, with the same window between two successors that start together. The lease
 * turns "a second driver silently corrupts the table" into "a second driver refuses to start" for every start
 * that is not simultaneous; it is not a substitute for a commit coordinator such as DynamoDB.
 */
public final class TableLease implements AutoCloseable {
  /**
   * The lease object, one per table root. Delta's VACUUM lists the table with
   * DeltaTableUtils.isHiddenDirectory as its hidden-file filter, which skips every name starting with '_' or
   * '.' (except _delta_index, _change_data and partition directories), so VACUUM never deletes it; Delta
   * readers only read files named in the log, and Spark's file listing skips '_' names too. The local
   * filesystem's checksum sibling (._fleetlake_lease.json.crc) is hidden for the same reason.
   */
  public static final String FILE_NAME = "_fleetlake_lease.json";

  /** lake.lease-ttl's default: how long a holder may miss heartbeats before another writer may take over. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);

  /**
   * The createFile() option for a put-if-absent (HTTP If-None-Match: *) in Hadoop 3.4.2+. Older Hadoop rejects
   * an unknown mandatory option before doing any I/O, which is how this class finds out it has to fall back.
   */
  static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

  static final String THREAD_NAME = "fleetlake-lease";
  /** Reads of a lease that a heartbeat rewrote during each of them before giving up. */
  private static final int REREADS = 12;
  private static final String UNKNOWN = "unknown";
  private static final String PROCESS_SPACE = processSpace();
  private static final Logger LOG = LoggerFactory.getLogger(TableLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Who holds a table's lease.
   *
   * @param ttl the holder's own ttl: it promised to renew within it, so its lease expires by it
   */
  /**
   * @param processSpace the kernel boot and pid namespace the holder's pid means something in (empty when not
   *     known): containers may share a host name and still not see each other's processes
   */
  public record Holder(String owner, String host, long pid, String job, Instant started, Instant heartbeat,
                       Duration ttl, String processSpace) implements Serializable {
    /** Whether the holder is presumed dead at {@code now}: it has not renewed for its whole ttl. */
    public boolean expiredAt(Instant now) {
      return !heartbeat.plus(ttl).isAfter(now);
    }

    /** Whether the lease file could not be read; then only its modification time is known. */
    public boolean unknown() {
      return UNKNOWN.equals(owner);
    }

    static Holder unreadable(Instant modified, Duration ttl) {
      return new Holder(UNKNOWN, UNKNOWN, -1, UNKNOWN, modified, modified, ttl, "");
    }
  }

  /** Another live writer holds one of the tables; nothing was taken. */
  public static final class LeaseHeldException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String table;
    private final Holder holder;

    LeaseHeldException(String table, Holder holder, String message) {
      super(message);
      this.table = table;
      this.holder = holder;
    }

    /** The first of the requested tables that is held, as {@code <layer>/<name>}. */
    public String table() {
      return table;
    }

    public Holder holder() {
      return holder;
    }
  }

  private final String lakeRoot;
  private final String job;
  private final Duration ttl;
  private final Clock clock;
  private final Consumer<String> onLost;
  private final Configuration conf;
  private final String owner = UUID.randomUUID().toString();
  private final String host = localHost();
  private final long pid = ProcessHandle.current().pid();
  private final Instant started;
  /** The tables this lease still owns, in the order they were asked for; guarded by this. */
  private final Map<String, Path> held = new LinkedHashMap<>();
  /** Tables whose last renewal failed with an I/O error, so the warning is not repeated every ttl/4. */
  private final Set<String> failing = new HashSet<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  private ScheduledExecutorService heartbeats;
  private boolean closed;

  private TableLease(Configuration conf, String lakeRoot, String job, Duration ttl, Clock clock,
                     Consumer<String> onLost) {
    this.conf = conf;
    this.lakeRoot = lakeRoot;
    this.job = job;
    this.ttl = ttl;
    this.clock = clock;
    this.onLost = onLost;
    this.started = clock.instant();
  }

  /** {@link #acquire(Configuration, String, List, String, Duration, Clock, Consumer)} without a loss listener. */
  public static TableLease acquire(Configuration hadoopConf, String lakeRoot, List<String> tables, String job,
                                   Duration ttl, Clock clock) throws LeaseHeldException {
    return acquire(hadoopConf, lakeRoot, tables, job, ttl, clock, message -> {});
  }

  /**
   * Takes the lease on every table or on none, and keeps them alive from a daemon thread until {@link #close()}.
   *
   * @param lakeRoot e.g. {@code s3a://fleet-lake/lake} or {@code file:/…}
   * @param tables {@code <layer>/<name>} of every table the job writes
   * @param job the job's name, shown to a writer that is refused
   * @param ttl how long this driver may miss heartbeats before another writer may take over (whole seconds)
   * @param onLost told, from the heartbeat thread and once per table, when another writer took a table over:
   *     the job should stop writing at once
   * @throws LeaseHeldException if a live writer holds any of the tables (the first such one is named)
   * @throws UncheckedIOException if the lake cannot be read or written
   */
  public static TableLease acquire(Configuration hadoopConf, String lakeRoot, List<String> tables, String job,
                                   Duration ttl, Clock clock, Consumer<String> onLost) throws LeaseHeldException {
    Objects.requireNonNull(hadoopConf, "hadoopConf");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(onLost, "onLost");
    if (ttl == null || ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("the lease ttl must be at least 1 s: " + ttl);
    }
    TableLease lease = new TableLease(hadoopConf, root(lakeRoot), job, Duration.ofSeconds(ttl.toSeconds()), clock,
        onLost);
    lease.takeAll(validated(tables));
    lease.startHeartbeats();
    return lease;
  }

  /**
   * The live holder of {@code table}'s lease, if any. An unreadable lease counts as live for
   * {@link #DEFAULT_TTL} after it was last written and is then reported as {@link Holder#unknown()}.
   */
  public static Optional<Holder> holder(Configuration hadoopConf, String lakeRoot, String table, Clock clock) {
    Path path = leasePath(root(lakeRoot), validated(List.of(table)).get(0));
    return read(fileSystem(path, hadoopConf), path, DEFAULT_TTL).filter(h -> !h.expiredAt(clock.instant()));
  }

  /** Whether another writer took over one of this lease's tables: the job must stop writing. */
  public boolean lost() {
    return lost.get();
  }

  /** The tables this lease still owns. */
  public synchronized List<String> tables() {
    return List.copyOf(held.keySet());
  }

  /** This acquisition's owner id, as written in its lease files. */
  public String owner() {
    return owner;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * Stops the heartbeats and deletes the lease files this driver still owns. Idempotent, and never fails the job
   * that is ending: a lease it cannot delete (the store unreachable, or Hadoop's shutdown hook already closed the
   * filesystem on SIGTERM) expires after its ttl, and a restart on this host takes it at once.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      stopHeartbeats();
      RuntimeException failure = releaseAll();
      if (failure != null) {
        LOG.warn("could not release every table lease; each expires after {}", human(ttl), failure);
      }
    }
  }

  /** Stops renewing without releasing: the leases then expire after ttl, as a dead driver's would. */
  synchronized void stopHeartbeats() {
    if (heartbeats != null) {
      // shutdown() cancels the periodic task; not shutdownNow(), which could interrupt a PUT half way
      heartbeats.shutdown();
      heartbeats = null;
    }
  }

  /** One round of heartbeats, now, on the caller's thread: what the heartbeat thread does every ttl/4. */
  void heartbeatNow() {
    List<String> losses;
    synchronized (this) {
      losses = renewAll();
    }
    // outside the monitor: a listener that stops the job may well call close() from another thread and wait
    for (String loss : losses) {
      try {
        onLost.accept(loss);
      } catch (RuntimeException e) {
        LOG.warn("the lease-loss listener failed", e);
      }
    }
  }

  private void takeAll(List<String> tables) throws LeaseHeldException {
    try {
      for (String table : tables) {
        Path path = leasePath(lakeRoot, table);
        Optional<Holder> other = take(table, path);
        if (other.isPresent()) {
          throw refusal(table, path, other.get());
        }
        synchronized (this) {
          held.put(table, path);
        }
      }
      // Once more, now that all are written: on S3A 3.3.4 a rival whose PUT of the same lease landed after our
      // first read-back has replaced ours, and this later read sees it.
      for (String table : tables) {
        Path path = leasePath(lakeRoot, table);
        Optional<Holder> current = read(fileSystem(path, conf), path, ttl);
        if (current.isEmpty() || !owner.equals(current.get().owner())) {
          synchronized (this) {
            held.remove(table);
          }
          throw refusal(table, path, current.orElseGet(() -> Holder.unreadable(clock.instant(), ttl)));
        }
      }
    } catch (LeaseHeldException | RuntimeException e) {
      RuntimeException failure;
      synchronized (this) {
        closed = true;
        failure = releaseAll();
      }
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
  }

  /** Takes one table's lease; the live holder that prevented it, if any. */
  private Optional<Holder> take(String table, Path path) {
    FileSystem fs = fileSystem(path, conf);
    Optional<Holder> current = read(fs, path, ttl);
    if (current.isPresent()) {
      Holder holder = current.get();
      if (!holder.expiredAt(clock.instant()) && !diedOnThisHost(holder)) {
        return current;
      }
      LOG.warn("{}: taking over the lease of {} on host {} (pid {}), which has not renewed it since {} ({} ttl)",
          table, holder.job(), holder.host(), holder.pid(), holder.heartbeat(), human(holder.ttl()));
      write(fs, path, body(clock.instant()));
    } else if (!createIfAbsent(fs, path, body(clock.instant()))) {
      LOG.debug("{}: another writer created the lease first", table);
    }
    // A writer that lost the race to create or take over sees the winner's lease here and backs off.
    Optional<Holder> back = read(fs, path, ttl);
    if (back.isPresent() && owner.equals(back.get().owner())) {
      return Optional.empty();
    }
    return Optional.of(back.orElseGet(() -> Holder.unreadable(clock.instant(), ttl)));
  }

  /**
   * A holder on this very host whose process is gone died without releasing (kill -9, a crash): a restart on the
   * same machine need not wait a whole ttl. A holder on another host can only be judged by its heartbeat.
   */
  private boolean diedOnThisHost(Holder holder) {
    return host.equals(holder.host()) && !PROCESS_SPACE.isEmpty() && PROCESS_SPACE.equals(holder.processSpace())
        && holder.pid() != pid && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  private LeaseHeldException refusal(String table, Path path, Holder holder) {
    String wait = "; stop it first or wait " + human(holder.ttl()) + " after it died";
    if (holder.unknown()) {
      return new LeaseHeldException(table, holder, table + " is written by an unknown writer (its lease " + path
          + " is unreadable; last written " + holder.heartbeat() + ")" + wait);
    }
    return new LeaseHeldException(table, holder, table + " is written by " + holder.job() + " on host "
        + holder.host() + " (pid " + holder.pid() + ") since " + holder.started() + wait);
  }

  private void startHeartbeats() {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, THREAD_NAME);
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(1, ttl.toMillis() / 4);
    // fixed delay, not fixed rate: after a long pause one renewal is enough, not a burst of missed ones
    executor.scheduleWithFixedDelay(this::heartbeatQuietly, period, period, TimeUnit.MILLISECONDS);
    synchronized (this) {
      heartbeats = executor;
    }
  }

  private void heartbeatQuietly() {
    try {
      heartbeatNow();
    } catch (RuntimeException | Error e) {
      // a periodic task that throws is never run again: keep the heartbeat alive whatever happened
      LOG.error("lease heartbeat failed", e);
    }
  }

  /** Renews every table still owned; returns a message for each table found taken over. Holds this. */
  private List<String> renewAll() {
    List<String> losses = new ArrayList<>();
    if (closed) {
      return losses;
    }
    Instant now = clock.instant();
    for (Iterator<Map.Entry<String, Path>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Path> entry = it.next();
      String table = entry.getKey();
      Path path = entry.getValue();
      try {
        FileSystem fs = fileSystem(path, conf);
        Optional<Holder> current = read(fs, path, ttl);
        if (current.isEmpty() || !owner.equals(current.get().owner())) {
          it.remove();
          failing.remove(table);
          String loss = lossMessage(table, path, current);
          lost.set(true);
          LOG.error("{}", loss);
          losses.add(loss);
          continue;
        }
        if (current.get().expiredAt(now)) {
          LOG.warn("{}: renewing the lease {} late (last heartbeat {}, ttl {}): another writer could have taken "
              + "the table over meanwhile", table, path, current.get().heartbeat(), human(ttl));
        }
        write(fs, path, body(now));
        if (failing.remove(table)) {
          LOG.info("{}: renewed the lease {} again", table, path);
        }
      } catch (UncheckedIOException e) {
        // Not a loss yet: the store may be briefly unreachable. If this lasts a whole ttl another writer may
        // take over, and the next successful read says so.
        if (failing.add(table)) {
          LOG.warn("{}: could not renew the lease; retrying every {}", table, human(ttl.dividedBy(4)), e);
        }
      }
    }
    return losses;
  }

  private String lossMessage(String table, Path path, Optional<Holder> current) {
    String stop = ": " + job + " must stop writing it (it did not renew its lease for " + human(ttl) + ")";
    if (current.isEmpty()) {
      return table + ": the lease " + path + " of " + job + " was deleted by someone else" + stop;
    }
    Holder other = current.get();
    if (other.unknown()) {
      return table + ": the lease " + path + " of " + job + " was overwritten with something unreadable" + stop;
    }
    return table + " was taken over by " + other.job() + " on host " + other.host() + " (pid " + other.pid()
        + ") at " + other.started() + stop;
  }

  /** Deletes the leases this driver still owns; the first failure, with the others suppressed. Holds this. */
  private RuntimeException releaseAll() {
    RuntimeException failure = null;
    for (Map.Entry<String, Path> entry : held.entrySet()) {
      try {
        release(entry.getKey(), entry.getValue());
      } catch (RuntimeException e) { // an UncheckedIOException, or the S3 client's pool already shut down
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    held.clear();
    return failure;
  }

  private void release(String table, Path path) {
    FileSystem fs = fileSystem(path, conf);
    Optional<Holder> current = read(fs, path, ttl);
    if (current.isEmpty()) {
      return;
    }
    if (!owner.equals(current.get().owner())) {
      // taken over while we were not looking: the lease is someone else's now, and so is the table
      LOG.warn("{}: not releasing the lease {}: {} holds it now", table, path, current.get().job());
      return;
    }
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lease " + path + ": " + e.getMessage(), e);
    }
  }

  private byte[] body(Instant heartbeat) {
    ObjectNode node = JSON.createObjectNode();
    node.put("owner", owner);
    node.put("host", host);
    node.put("job", job);
    node.put("pid", pid);
    node.put("started", started.toString());
    node.put("heartbeat", heartbeat.toString());
    node.put("ttlSeconds", ttl.toSeconds());
    node.put("processSpace", PROCESS_SPACE);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a lease", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted while reading a lease"));
    }
  }

  /** The lease at {@code path}, if there is one; an unreadable one as {@link Holder#unknown()}. */
  static Optional<Holder> read(FileSystem fs, Path path, Duration unreadableTtl) {
    byte[] bytes;
    for (int attempt = 1; ; attempt++) {
      try (FSDataInputStream in = fs.open(path)) {
        bytes = in.readAllBytes();
        break;
      } catch (FileNotFoundException e) {
        return Optional.empty();
      } catch (ChecksumException e) {
        // the local filesystem caught the file half rewritten, or it was edited by hand
        return unreadable(fs, path, unreadableTtl);
      } catch (IOException e) {
        if (rewrittenWhileOpening(e) && attempt < REREADS) {
          // a short, jittered pause: another try at once can land in the next rewrite's window as well
          pause(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 25) * attempt);
          continue;
        }
        throw new UncheckedIOException("cannot read the lease " + path + ": " + e.getMessage(), e);
      }
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      return Optional.of(new Holder(text(node, "owner"), text(node, "host"), number(node, "pid"), text(node, "job"),
          Instant.parse(text(node, "started")), Instant.parse(text(node, "heartbeat")),
          Duration.ofSeconds(number(node, "ttlSeconds")),
          node.hasNonNull("processSpace") ? node.get("processSpace").asText() : ""));
    } catch (IOException | IllegalArgumentException | DateTimeException e) {
      LOG.debug("unreadable lease {}", path, e);
      return unreadable(fs, path, unreadableTtl);
    }
  }

  /**
   * S3A opens with a HEAD and reads with a GET that must return the HEAD's ETag; the holder's heartbeat
   * rewrites the lease every ttl/4, and one that lands between the two fails the GET with
   * RemoteFileChangedException (hadoop-aws, not on every classpath, hence the name). The new lease is whole:
   * read it again.
   */
  private static boolean rewrittenWhileOpening(IOException e) {
    return "RemoteFileChangedException".equals(e.getClass().getSimpleName());
  }

  private static Optional<Holder> unreadable(FileSystem fs, Path path, Duration ttl) {
    try {
      return Optional.of(Holder.unreadable(Instant.ofEpochMilli(fs.getFileStatus(path).getModificationTime()), ttl));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease " + path + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new IllegalArgumentException("no " + field);
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.canConvertToLong()) {
      throw new IllegalArgumentException("no " + field);
    }
    return value.asLong();
  }

  /** Overwrites the lease (renewal, takeover). */
  private static void write(FileSystem fs, Path path, byte[] body) {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the lease " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the lease unless something is at {@code path}; false if something was. Atomic only where the
   * connector does a conditional PUT; otherwise the check and the write are two requests (see the class doc).
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static boolean createIfAbsent(FileSystem fs, Path path, byte[] body) {
    FSDataOutputStream out;
    boolean conditional;
    try {
      try {
        FSDataOutputStreamBuilder builder = fs.createFile(path);
        builder.overwrite(false);
        builder.recursive();
        builder.must(CONDITIONAL_CREATE, true);
        out = (FSDataOutputStream) builder.build();
        conditional = true;
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Hadoop before 3.4.2 (so S3A 3.3.4) or a filesystem without the option: check, then create
        out = fs.create(path, false);
        conditional = false;
      }
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the lease " + path + ": " + e.getMessage(), e);
    }
    try (FSDataOutputStream stream = out) {
      stream.write(body);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // a conditional PUT that lost reports 412 Precondition Failed when the stream closes, as some IOException
      if (conditional && exists(fs, path)) {
        return false;
      }
      throw new UncheckedIOException("cannot create the lease " + path + ": " + e.getMessage(), e);
    }
    return true;
  }

  private static boolean exists(FileSystem fs, Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease " + path + ": " + e.getMessage(), e);
    }
  }

  private static FileSystem fileSystem(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the filesystem of " + path + ": " + e.getMessage(), e);
    }
  }

  static Path leasePath(String lakeRoot, String table) {
    return new Path(lakeRoot + "/" + table + "/" + FILE_NAME);
  }

  private static String root(String lakeRoot) {
    Objects.requireNonNull(lakeRoot, "lakeRoot");
    String root = lakeRoot;
    while (root.endsWith("/") && root.length() > 1) {
      root = root.substring(0, root.length() - 1);
    }
    if (root.isEmpty()) {
      throw new IllegalArgumentException("no lake root");
    }
    return root;
  }

  private static List<String> validated(List<String> tables) {
    if (tables == null || tables.isEmpty()) {
      throw new IllegalArgumentException("a lease needs at least one table");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String table : tables) {
      String[] parts = table == null ? new String[0] : table.split("/", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("not <layer>/<name>: " + table);
      }
      distinct.add(table);
    }
    return List.copyOf(distinct);
  }

  /** This kernel's boot id and this process's pid namespace, or "" where /proc does not say (not Linux). */
  static String processSpace() {
    try {
      String boot = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/boot_id")).trim();
      String namespace = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid")).toString();
      return boot + "/" + namespace;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return "";
    }
  }

  static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }

  /** 2 min, 90 s, 1 h: how people say a ttl. */
  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds >= 3600 && seconds % 3600 == 0) {
      return seconds / 3600 + " h";
    }
    if (seconds >= 60 && seconds % 60 == 0) {
      return seconds / 60 + " min";
    }
    if (seconds >= 1) {
      return seconds + " s";
    }
    return duration.toMillis() + " ms";
  }
}
