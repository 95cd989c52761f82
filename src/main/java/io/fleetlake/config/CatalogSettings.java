package io.fleetlake.config;

/**
 * What the catalog job registers and prints.
 *
 * @param athenaDatabasePrefix Athena's databases are this + the layer (athena_gold): not the Spark-registered
 *     bronze/silver/gold, data-source entries Athena does not read as Delta
 * @param athenaDdlOutput where the Athena DDL is written besides being printed (a local file or a Hadoop path);
 *     empty for printed only
 */
public record CatalogSettings(String athenaDatabasePrefix, String athenaDdlOutput) {
  static CatalogSettings read(SettingsReader reader) {
    String prefix = reader.string("athena-database-prefix");
    if (!prefix.matches("[a-z0-9_]{0,40}")) {
      throw new InvalidSettingException(reader.fullKey("athena-database-prefix"), prefix,
          "must be lower-case letters, digits and _ (Athena's database names), e.g. athena_");
    }
    return new CatalogSettings(prefix, reader.optionalString("athena-ddl-output"));
  }
}
