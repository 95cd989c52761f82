package io.fleetlake.config;

import java.util.Map;

/**
 * @param options any Kafka client setting (security.protocol, sasl.mechanism…), passed to every client
 */
public record KafkaSettings(String bootstrapServers, String topic, Map<String, String> options) {
  static KafkaSettings read(SettingsReader reader) {
    return new KafkaSettings(reader.string("bootstrap-servers"), reader.string("topic"),
        Map.copyOf(reader.passThrough("options")));
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", options=" + Secret.masked(options) + "]";
  }
}
