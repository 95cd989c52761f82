package io.fleetlake.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), in a JVM of its own:
 * the broker needs Scala 2.13 and a newer kafka-clients than Spark's, which must not meet on one classpath.
 */
final class KafkaBroker extends LocalServer {
  private final Path libs;
  private final int controllerPort;
  private final String topic;
  private final int partitions;

  KafkaBroker(Path stackDir, Path stage, int port, int controllerPort, String topic, int partitions) {
    super("kafka", port, stackDir);
    this.libs = stage.resolve("kafka-libs").toAbsolutePath();
    this.controllerPort = controllerPort;
    this.topic = topic;
    this.partitions = partitions;
  }

  @Override
  long launch() throws IOException {
    if (!Files.isDirectory(libs)) {
      throw new IOException("Kafka's jars are not staged at " + libs + ": run mvn -f src/local-stack/pom.xml package");
    }
    Path properties = dir.resolve("server.properties");
    Files.writeString(properties, serverProperties());
    Path log4j = dir.resolve("log4j.properties");
    Files.writeString(log4j, """
        log4j.rootLogger=WARN, stdout
        log4j.logger.kafka.server.KafkaServer=INFO
        log4j.logger.kafka.server.BrokerServer=INFO
        log4j.appender.stdout=org.apache.log4j.ConsoleAppender
        log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
        log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
        """);
    List<String> java = List.of(Processes.javaBinary(), "-Xms256m", "-Xmx768m", "-XX:+UseG1GC",
        "-Dlog4j.configuration=file:" + log4j, "-cp", libs + "/*");
    if (!Files.exists(dir.resolve("data/meta.properties"))) {
      Processes.run(concat(java, "kafka.tools.StorageTool", "format", "--ignore-formatted",
          "-t", Uuid.randomUuid().toString(), "-c", properties.toString()), dir, log(), Duration.ofSeconds(90));
    }
    return Processes.launch(concat(java, "kafka.Kafka", properties.toString()), dir, log());
  }

  private String serverProperties() {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@" + HOST + ":" + controllerPort,
        "listeners=PLAINTEXT://" + HOST + ":" + port() + ",CONTROLLER://" + HOST + ":" + controllerPort,
        "advertised.listeners=PLAINTEXT://" + HOST + ":" + port(),
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=" + partitions,
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        // keep what tests and demos produce; a laptop's disk is the limit, not time
        "log.retention.hours=-1",
        "log.retention.bytes=2147483648",
        "") + "\n";
  }

  /** Creates the ping topic, waiting for the broker to take requests. */
  @Override
  void afterStart() throws IOException, InterruptedException {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + port());
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    try (Admin admin = Admin.create(properties)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(Map.of())))
          .all().get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IOException("cannot create topic " + topic + ": " + e.getCause(), e);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the broker did not create topic " + topic + " within 90 s; see " + log(), e);
    }
  }

  @Override
  String detail() {
    return "topic " + topic;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
