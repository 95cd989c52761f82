package io.fleetlake.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.MalformedPings;
import io.fleetlake.testing.MalformedPings.Case;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault suite's corpus of broken pings, each through the parser: quarantined with its reason, never thrown. */
class MalformedCorpusTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void everyKindIsQuarantinedWithItsReasonAndItsRawValue() {
    List<Case> cases = MalformedPings.all();
    assertTrue(cases.size() >= 30, "at least 30 kinds: " + cases.size());
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      LocationPingParser.Outcome outcome = LocationPingParser.parse(c.key(), c.value(), NOW);
      if (outcome.rejection() == null || outcome.rejection().reason() != c.reason()) {
        wrong.add(c.kind() + ": expected " + c.reason() + ", got "
            + (outcome.rejection() == null ? "a ping" : outcome.rejection().reason() + " (" + outcome.rejection().message() + ")"));
        continue;
      }
      assertNull(outcome.ping(), c.kind());
      assertFalse(outcome.rejection().message().isBlank(), c.kind());
      assertNotNull(outcome.rawValue(), c.kind());
      if (c.value() != null && c.value().length > 0) {
        assertFalse(outcome.rawValue().isEmpty(), c.kind() + ": the raw value is kept");
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aNullKeyAloneBreaksNothing() {
    LocationPingParser.Outcome outcome = LocationPingParser.parse(null,
        MalformedPings.GOOD.getBytes(StandardCharsets.UTF_8), NOW);
    assertNull(outcome.rejection());
    assertEquals(List.of(), outcome.ping().qualityFlags());
  }
}
