package io.fleetlake.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PollPositionTest {
  @Test
  void aSnapshotReadsBackAsPostgresPrintsIt() {
    SourceSnapshot snapshot = SourceSnapshot.parse("7701:7705:7701,7703");
    assertEquals(7701, snapshot.xmin());
    assertEquals(7705, snapshot.xmax());
    assertEquals(List.of(7701L, 7703L), snapshot.running());
    assertEquals("7701:7705:7701,7703", snapshot.text());
    assertEquals("12:12:", SourceSnapshot.parse("12:12:").text());
  }

  @Test
  void thirtyTwoBitIdsWidenAcrossAnEpoch() {
    long epoch = 1L << 32;
    SourceSnapshot snapshot = new SourceSnapshot(epoch + 5, epoch + 10, List.of());
    assertEquals(epoch + 7, snapshot.widen(7));
    // written just before the 32-bit counter wrapped
    assertEquals(epoch - 3, snapshot.widen(0xFFFFFFFFL - 2));
  }

  @Test
  void theNextPollCannotFollowAfterIdsWentBackOrTooFarAhead() {
    SourceSnapshot previous = SourceSnapshot.parse("1000:1010:");
    assertTrue(SourceSnapshot.parse("1000:1020:").cannotFollow(previous).isEmpty());
    assertTrue(SourceSnapshot.parse("900:905:").cannotFollow(previous).orElseThrow().contains("went back"));
    long far = 1000 + (1L << 31);
    assertTrue(SourceSnapshot.parse(far + ":" + far + ":").cannotFollow(previous).isPresent());
  }

  @Test
  void seenIdsBelowTheNewXminAreDropped() {
    PollPosition first = PollPosition.after(SourceSnapshot.parse("100:110:100,104"), Optional.empty(),
        List.of(101L, 103L, 105L), Optional.empty());
    assertEquals(List.of(101L, 103L, 105L), first.seen());
    // 100 and 104 have ended: the oldest still running is 108
    PollPosition second = PollPosition.after(SourceSnapshot.parse("108:120:108"), Optional.of(first),
        List.of(100L, 104L, 109L, 111L), Optional.of(Instant.parse("2026-11-30T10:00:00Z")));
    assertEquals(List.of(109L, 111L), second.seen());
  }

  @Test
  void thePositionRoundTripsThroughACommitsUserMetadata() {
    PollPosition position = new PollPosition(SourceSnapshot.parse("100:110:104"), List.of(105L, 101L),
        Optional.of(Instant.parse("2026-11-30T10:00:00Z")));
    String json = position.json();
    assertEquals("{\"poll\":{\"snapshot\":\"100:110:104\",\"seen\":[101,105],\"reconciled_at\":\"2026-11-30T10:00:00Z\"}}", json);
    assertEquals(Optional.of(position), PollPosition.parse(json));
    assertEquals(Optional.empty(), PollPosition.parse("{\"topic\":{\"0\":41}}"), "ingest's metadata is no position");
    assertEquals(Optional.empty(), PollPosition.parse("not json"));
  }
}
