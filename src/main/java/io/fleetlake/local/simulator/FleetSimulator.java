package io.fleetlake.local.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetlake.config.KafkaSettings;
import io.fleetlake.config.PostgresSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a simulated period to Kafka (as fast as the broker takes it) and Postgres, then writes the
 * manifest of what it produced; with {@code follow}, keeps producing live pings in scaled real time.
 */
public final class FleetSimulator {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * @param speedup simulated seconds per wall-clock second in follow mode
   * @param followFor how long to follow (wall clock); null to follow until stopped
   */
  public record Follow(double speedup, Duration followFor) {}

  private final KafkaSettings kafka;
  private final PostgresSettings postgres;
  private final PrintStream out;
  private Simulation.Options livePlannedFor;
  private Simulation livePlan;

  public FleetSimulator(KafkaSettings kafka, PostgresSettings postgres, PrintStream out) {
    this.kafka = kafka;
    this.postgres = postgres;
    this.out = out;
  }

  public Map<String, Object> run(Simulation.Options options, Path manifest, Follow follow)
      throws IOException, SQLException, InterruptedException, ExecutionException {
    Simulation simulation = follow == null ? Simulation.plan(options, end(options)) : planWithLiveDays(options);
    out.printf("simulate: %d units over %d days from %s (seed %d)%n", options.units(), options.days(),
        simulation.start(), options.seed());

    SourceDatabase.write(postgres, simulation.unitVersions(), simulation.performance());
    out.printf("postgres: %d transport_units versions, %d unit_performance rows into %s%n",
        simulation.unitVersions().size(), simulation.performance().size(), postgres.jdbcUrl());

    try (KafkaProducer<String, byte[]> producer = producer()) {
      int sent = 0;
      for (Simulation.Outgoing record : simulation.records()) {
        producer.send(new ProducerRecord<>(kafka.topic(), record.key(), record.value()));
        if (++sent % 20_000 == 0) {
          out.printf("kafka: %,d of %,d records sent%n", sent, simulation.records().size());
        }
      }
      producer.flush();
      Map<String, Object> counts = simulation.manifest(kafka.topic());
      if (manifest.toAbsolutePath().getParent() != null) {
        java.nio.file.Files.createDirectories(manifest.toAbsolutePath().getParent());
      }
      JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(manifest.toFile(), counts);
      out.printf("kafka: %,d records to %s (%,d pings, %,d late, %,d duplicates, %,d malformed)%n",
          simulation.records().size(), kafka.topic(), counts.get("pings"), counts.get("late_pings"),
          counts.get("duplicate_pings"), counts.get("malformed_records"));
      out.println("manifest: " + manifest.toAbsolutePath());
      if (follow != null) {
        follow(simulation, options, producer, follow);
      }
      return counts;
    }
  }

  /**
   * Only the live pings after the period {@link #run} produced with the same options (the benchmark follows a
   * fleet it caught up with first), until {@code follow.followFor()} is over.
   */
  public void follow(Simulation.Options options, Follow follow) throws InterruptedException {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      follow(planWithLiveDays(options), options, producer, follow);
    }
  }

  /** Live pings after the simulated period, one round per 15 simulated minutes. */
  private void follow(Simulation simulation, Simulation.Options options, KafkaProducer<String, byte[]> producer,
                      Follow follow) throws InterruptedException {
    long wallPerRoundMs = (long) (Simulation.PING_INTERVAL.toMillis() / follow.speedup());
    Instant stopAt = follow.followFor() == null ? Instant.MAX : Instant.now().plus(follow.followFor());
    Instant t = simulation.end();
    SplittableRandom noise = new SplittableRandom(options.seed() + 7);
    out.printf("follow: a ping per unit every %.1f s (speed-up %.0f×)%n", wallPerRoundMs / 1000.0, follow.speedup());
    while (Instant.now().isBefore(stopAt)) {
      long roundStart = System.currentTimeMillis();
      sendRound(simulation, t, noise, producer);
      t = t.plus(Simulation.PING_INTERVAL);
      long rest = wallPerRoundMs - (System.currentTimeMillis() - roundStart);
      if (rest > 0) {
        Thread.sleep(rest); // paces live pings; the simulator is a producer, not a test
      }
    }
  }

  /**
   * Rounds {@code from} to {@code from + count − 1} of the live pings after the period {@link #run} produced
   * with the same options, sent at once (round 0 is the first 15 minutes after it): the benchmark's live
   * micro-batches, the same pings for every lake that asks for the same rounds.
   */
  public void liveRounds(Simulation.Options options, int from, int count) {
    if (!options.equals(livePlannedFor)) {
      // the itineraries as run and follow plan them, so that round 0 continues the history
      livePlan = planWithLiveDays(options);
      livePlannedFor = options;
    }
    Simulation simulation = livePlan;
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int round = from; round < from + count; round++) {
        // a round's own noise: the same pings whichever rounds were sent before
        sendRound(simulation, simulation.end().plus(Simulation.PING_INTERVAL.multipliedBy(round)),
            new SplittableRandom(options.seed() + 7 + round), producer);
      }
    }
  }

  private void sendRound(Simulation simulation, Instant t, SplittableRandom noise, KafkaProducer<String, byte[]> producer) {
    for (Fleet.Member member : simulation.fleet().members()) {
      Instant eventTime = t.plusSeconds(member.pingOffsetSeconds() % 60);
      Itinerary.Fix fix = member.itinerary().at(eventTime, noise);
      byte[] value = JSON.valueToTree(Simulation.ping(member.unit(), eventTime, fix, 50)).toString()
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(kafka.topic(), member.unit().unitId(), value));
    }
    producer.flush();
  }

  private static Instant end(Simulation.Options options) {
    return options.start().atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plus(Duration.ofDays(options.days()));
  }

  /** The simulated period with itineraries 60 days past it: what live pings after it follow. */
  private static Simulation planWithLiveDays(Simulation.Options options) {
    return Simulation.plan(options, end(options).plus(Duration.ofDays(60)));
  }

  private KafkaProducer<String, byte[]> producer() {
    Properties properties = new Properties();
    properties.putAll(kafka.options());
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }
}
