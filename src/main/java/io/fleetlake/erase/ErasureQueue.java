package io.fleetlake.erase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlake.config.LakeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Erasures asked for and not yet carried out, as small files under {@code <root>/_ops/erasure-requests/}. The
 * tables belong to whichever driver holds their lease: the erase job only asks, and the holder (run-all) carries
 * the request out between its micro-batches; with no holder, the erase job carries it out itself. A request is
 * done when its {@code .done} file exists, holding the result line.
 */
public final class ErasureQueue {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUEST = ".request.json";
  private static final String DONE = ".done";

  private final Path folder;
  private final Configuration hadoop;

  public ErasureQueue(LakeSettings lake, Configuration hadoop) {
    this.folder = new Path(lake.root() + "/_ops/erasure-requests");
    this.hadoop = hadoop;
  }

  public ErasureRequest submit(String unitId, Optional<LocalDate> before, Instant now) {
    ErasureRequest request = new ErasureRequest(now.toEpochMilli() + "-" + UUID.randomUUID(), unitId, before, now);
    ObjectNode body = JSON.createObjectNode()
        .put("unit_id", unitId)
        .put("requested_at", now.toString());
    before.ifPresent(d -> body.put("before", d.toString()));
    try (OutputStream out = fs().create(new Path(folder, request.id() + REQUEST), false)) {
      out.write(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the erasure request under " + folder, e);
    }
    return request;
  }

  /** Requests without a result, oldest first. */
  public List<ErasureRequest> pending() {
    try {
      if (!fs().exists(folder)) {
        return List.of();
      }
      List<ErasureRequest> pending = new ArrayList<>();
      FileStatus[] files = fs().listStatus(folder);
      List<String> names = Arrays.stream(files).map(f -> f.getPath().getName()).toList();
      for (String name : names.stream().sorted(Comparator.naturalOrder()).toList()) {
        if (name.endsWith(REQUEST)) {
          String id = name.substring(0, name.length() - REQUEST.length());
          if (!names.contains(id + DONE)) {
            try {
              pending.add(read(id));
            } catch (IOException | RuntimeException unreadable) {
              // half written or edited by hand: never let one request hold back every later erasure
              markDone(id, "erase request " + id + " is unreadable and was skipped: " + unreadable);
            }
          }
        }
      }
      return pending;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the erasure requests under " + folder, e);
    }
  }

  /** The result line of a request carried out, if it is. */
  public Optional<String> result(ErasureRequest request) {
    Path done = new Path(folder, request.id() + DONE);
    try (InputStream in = fs().open(done)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + done, e);
    }
  }

  public void markDone(ErasureRequest request, String resultLine) {
    markDone(request.id(), resultLine);
  }

  private void markDone(String id, String resultLine) {
    try (OutputStream out = fs().create(new Path(folder, id + DONE), true)) {
      out.write(resultLine.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the erasure " + id + " as done under " + folder, e);
    }
  }

  private ErasureRequest read(String id) throws IOException {
    try (InputStream in = fs().open(new Path(folder, id + REQUEST))) {
      JsonNode body = JSON.readTree(in);
      return new ErasureRequest(id, body.get("unit_id").asText(),
          Optional.ofNullable(body.get("before")).map(b -> LocalDate.parse(b.asText())),
          Instant.parse(body.get("requested_at").asText()));
    }
  }

  private FileSystem fs() throws IOException {
    return folder.getFileSystem(hadoop);
  }
}
