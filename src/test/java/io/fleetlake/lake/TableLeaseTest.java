package io.fleetlake.lake;

import io.fleetlake.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.lake.TableLease.Holder;
import io.fleetlake.lake.TableLease.LeaseHeldException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableLeaseTest {
  private static final Duration TTL = Duration.ofMinutes(2);

  @TempDir
  Path lake;

  private final Configuration conf = new Configuration();
  private final List<TableLease> opened = new ArrayList<>();
  private MutableClock clock;
  private Instant start;
  private String root;

  @BeforeEach
  void startTheClock() {
    // real time, so that an unreadable lease's modification time and the clock agree
    start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    clock = new MutableClock(start);
    root = lake.toUri().toString();
  }

  @AfterEach
  void closeEveryLease() {
    opened.forEach(TableLease::close);
  }

  @Test
  void aSecondWriterOfAnOverlappingTableIsRefusedAndTakesNothing() throws Exception {
    TableLease first = acquire("run-all", "silver/locations_enriched", "bronze/locations");
    clock.advance(Duration.ofSeconds(10));

    LeaseHeldException refused = assertThrows(LeaseHeldException.class,
        () -> acquire("silver-locations", "gold/unit_daily", "silver/locations_enriched"));

    assertEquals("silver/locations_enriched is written by run-all on host " + TableLease.localHost()
        + " (pid " + ProcessHandle.current().pid() + ") since " + start
        + "; stop it first or wait 2 min after it died", refused.getMessage());
    assertEquals("silver/locations_enriched", refused.table());
    assertEquals(first.owner(), refused.holder().owner());
    // all or nothing: the table it could have had was given back
    assertEquals(Optional.empty(), TableLease.holder(conf, root, "gold/unit_daily", clock));
    assertFalse(Files.exists(leaseFile("gold/unit_daily")));
    // and the first writer's leases are untouched
    assertEquals(List.of("silver/locations_enriched", "bronze/locations"), first.tables());
    assertEquals(first.owner(), holder("silver/locations_enriched").owner());
    assertEquals(first.owner(), holder("bronze/locations").owner());
    assertEquals("gold", holder(acquire("gold", "gold/unit_daily"), "gold/unit_daily").job());
  }

  @Test
  void afterCloseANewWriterAcquires() throws Exception {
    TableLease first = acquire("run-all", "silver/units");
    first.close();

    assertFalse(Files.exists(leaseFile("silver/units")));
    assertEquals(Optional.empty(), TableLease.holder(conf, root, "silver/units", clock));
    TableLease second = acquire("silver-dimensions", "silver/units");
    assertEquals("silver-dimensions", holder("silver/units").job());

    first.close();
    assertEquals(second.owner(), holder("silver/units").owner(), "closing twice must not touch the next lease");
  }

  @Test
  void heartbeatsKeepALeaseAlive() throws Exception {
    TableLease lease = acquire("run-all", "silver/units");
    lease.stopHeartbeats();
    clock.advance(Duration.ofSeconds(90));
    lease.heartbeatNow();
    clock.advance(Duration.ofSeconds(90));

    assertThrows(LeaseHeldException.class, () -> acquire("silver-dimensions", "silver/units"));
    assertEquals(start.plusSeconds(90), holder("silver/units").heartbeat());
    assertEquals(start, holder("silver/units").started());
    assertFalse(lease.lost());
  }

  @Test
  void aHolderThatStopsHeartbeatingIsTakenOverAndFindsOutAtItsNextHeartbeat() throws Exception {
    List<String> losses = new CopyOnWriteArrayList<>();
    TableLease paused = TableLease.acquire(conf, root, List.of("silver/locations_enriched"), "run-all", TTL, clock,
        losses::add);
    opened.add(paused);
    paused.stopHeartbeats();

    clock.advance(TTL.minusSeconds(1));
    assertThrows(LeaseHeldException.class, () -> acquire("silver-locations", "silver/locations_enriched"));
    clock.advance(Duration.ofSeconds(2));
    TableLease successor = acquire("silver-locations", "silver/locations_enriched");
    assertEquals(successor.owner(), holder("silver/locations_enriched").owner());
    assertFalse(paused.lost());

    paused.heartbeatNow();

    assertTrue(paused.lost());
    assertEquals(1, losses.size());
    assertTrue(losses.get(0).startsWith("silver/locations_enriched was taken over by silver-locations on host "),
        losses.get(0));
    assertEquals(List.of(), paused.tables());
    paused.heartbeatNow();
    assertEquals(1, losses.size(), "a loss is reported once");
    paused.close();
    assertEquals(successor.owner(), holder("silver/locations_enriched").owner(),
        "the paused writer must neither renew nor delete its successor's lease");
  }

  @Test
  void anUnreadableLeaseRefusesWithinTheTtlAndIsTakenOverAfterIt() throws Exception {
    Path file = leaseFile("gold/unit_daily");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"owner\": \"half writ");

    LeaseHeldException refused = assertThrows(LeaseHeldException.class, () -> acquire("gold", "gold/unit_daily"));
    assertTrue(refused.getMessage().startsWith("gold/unit_daily is written by an unknown writer (its lease "),
        refused.getMessage());
    assertTrue(refused.getMessage().endsWith("; stop it first or wait 2 min after it died"), refused.getMessage());
    assertTrue(refused.holder().unknown());
    assertTrue(holder("gold/unit_daily").unknown());

    clock.advance(TTL.plusSeconds(1));
    assertEquals(Optional.empty(), TableLease.holder(conf, root, "gold/unit_daily", clock));
    TableLease lease = acquire("gold", "gold/unit_daily");
    assertEquals(lease.owner(), holder("gold/unit_daily").owner());
  }

  @Test
  void holderReportsTheLiveHolder() throws Exception {
    assertEquals(Optional.empty(), TableLease.holder(conf, root, "gold/fleet_daily", clock));
    TableLease lease = acquire("gold", "gold/fleet_daily");

    Holder holder = holder("gold/fleet_daily");
    assertEquals(new Holder(lease.owner(), TableLease.localHost(), ProcessHandle.current().pid(), "gold", start, start,
        TTL, TableLease.processSpace()), holder);
    assertFalse(holder.expiredAt(start.plus(TTL).minusMillis(1)));
    assertTrue(holder.expiredAt(start.plus(TTL)));

    JsonNode json = new ObjectMapper().readTree(leaseFile("gold/fleet_daily").toFile());
    assertEquals(lease.owner(), json.get("owner").asText());
    assertEquals(start.toString(), json.get("heartbeat").asText());
    assertEquals(120, json.get("ttlSeconds").asLong());

    lease.stopHeartbeats();
    clock.advance(TTL);
    assertEquals(Optional.empty(), TableLease.holder(conf, root, "gold/fleet_daily", clock),
        "a holder that has not renewed for its ttl is presumed dead");
  }

  @Test
  void tablesAreLayerSlashName() {
    assertThrows(IllegalArgumentException.class, () -> acquire("gold", "fleet_daily"));
    assertThrows(IllegalArgumentException.class, () -> acquire("gold", "gold/fleet_daily/x"));
    assertThrows(IllegalArgumentException.class, () -> acquire("gold"));
  }

  @Test
  void ttlsReadTheWayPeopleSayThem() {
    assertEquals("2 min", TableLease.human(Duration.ofMinutes(2)));
    assertEquals("90 s", TableLease.human(Duration.ofSeconds(90)));
    assertEquals("1 h", TableLease.human(Duration.ofHours(1)));
  }

  /**
   * A lease of a dead process on this host is taken at once; the same host name and a dead pid in another pid
   * namespace (a container beside this one) is no proof of death: that lease waits for its ttl.
   */
  @Test
  void aDeadProcessOnThisHostIsTakenOverAtOnceOneInAnotherNamespaceIsNot() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    for (String space : List.of(TableLease.processSpace(), "another-boot/pid:[1]")) {
      Path file = leaseFile("silver/space_" + Math.abs(space.hashCode()));
      Files.createDirectories(file.getParent());
      Files.writeString(file, new ObjectMapper().createObjectNode().put("owner", "o-" + space).put("host", TableLease.localHost())
          .put("pid", gone.pid()).put("job", "run-all").put("started", start.toString()).put("heartbeat", start.toString())
          .put("ttlSeconds", TTL.toSeconds()).put("processSpace", space).toString());
    }
    String here = "silver/space_" + Math.abs(TableLease.processSpace().hashCode());
    String elsewhere = "silver/space_" + Math.abs("another-boot/pid:[1]".hashCode());
    acquire("silver-locations", here);
    LeaseHeldException refused = assertThrows(LeaseHeldException.class, () -> acquire("silver-locations", elsewhere));
    assertTrue(refused.getMessage().startsWith(elsewhere + " is written by run-all on host "), refused.getMessage());
  }

  private TableLease acquire(String job, String... tables) throws LeaseHeldException {
    TableLease lease = TableLease.acquire(conf, root, List.of(tables), job, TTL, clock);
    opened.add(lease);
    return lease;
  }

  private Holder holder(String table) {
    return TableLease.holder(conf, root, table, clock).orElseThrow(() -> new AssertionError(table + " is free"));
  }

  private Holder holder(TableLease lease, String table) {
    assertTrue(lease.tables().contains(table), lease.tables().toString());
    return holder(table);
  }

  private Path leaseFile(String table) {
    return lake.resolve(table).resolve(TableLease.FILE_NAME);
  }

  /** A clock that moves only when told to. */

}
