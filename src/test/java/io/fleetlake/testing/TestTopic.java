package io.fleetlake.testing;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A topic of a test's own on the test stack's broker, with records sent as raw bytes, in order. */
public final class TestTopic {
  private final String bootstrap;
  private final String name;

  private TestTopic(String bootstrap, String name) {
    this.bootstrap = bootstrap;
    this.name = name;
  }

  public static TestTopic create(String bootstrap, String name, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }
    return new TestTopic(bootstrap, name);
  }

  /** Sends each (key, value) — either may be null — to {@code partition}, waiting for every acknowledgement. */
  public void send(int partition, List<byte[][]> keysAndValues) throws Exception {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
      for (byte[][] record : keysAndValues) {
        sent.add(producer.send(new ProducerRecord<>(name, partition, record[0], record[1])));
      }
      for (java.util.concurrent.Future<?> ack : sent) {
        ack.get(); // a record the broker refused fails the test here, not silently
      }
    }
  }

  public String name() {
    return name;
  }
}
