package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How far a Delta source's batch is behind its table: Delta's source reports no such figure itself. */
class StreamProgressLogTest {
  private static final String SILVER = "DeltaSource[s3a://fleet-lake/lake/silver/locations_enriched]";
  private static final Function<String, Long> AT_VERSION_9 =
      Map.of("s3a://fleet-lake/lake/silver/locations_enriched", 9L)::get;

  private static String offset(long version, long index) {
    return "{\"sourceVersion\":1,\"reservoirId\":\"45f0d3cb\",\"reservoirVersion\":" + version + ",\"index\":" + index
        + ",\"isStartingVersion\":false}";
  }

  @Test
  void theCommitsAfterTheBatchsEndAreBehind() {
    assertEquals(3L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(6, 4), AT_VERSION_9));
    assertEquals(0L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(9, 12), AT_VERSION_9));
  }

  @Test
  void anOffsetBeforeItsVersionsFirstFileHasNotReadThatVersion() {
    // index -1: everything before the version is read, nothing of it; version 10 does not exist yet
    assertEquals(1L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(9, -1), AT_VERSION_9));
    assertEquals(0L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(10, -1), AT_VERSION_9));
  }

  @Test
  void otherSourcesAndUnreadableTablesGiveNoFigure() {
    assertNull(StreamProgressLog.deltaVersionsBehind("KafkaV2[Subscribe[fleet.locations]]", "{\"fleet.locations\":{\"0\":42}}",
        AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind("DeltaSource[s3a://elsewhere/t]", offset(6, 4), AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind(SILVER, null, AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind(SILVER, "not json", AT_VERSION_9));
  }
}
