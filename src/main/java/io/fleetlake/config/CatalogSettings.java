package io.fleetlake.config;

/**
 * What the catalog job registers and prints.
 *
 * @param athenaDatabasePrefix Athena's databases are this + the layer (athena_gold): not the Spark-registered
 *     bronze/silver/gold, whose Glue entries keep the location where only Spark looks for it
 */
public record CatalogSettings(String athenaDatabasePrefix) {
  static CatalogSettings read(SettingsReader reader) {
    String prefix = reader.string("athena-database-prefix");
    if (!prefix.matches("[a-z0-9_]{0,40}")) {
      throw new InvalidSettingException(reader.fullKey("athena-database-prefix"), prefix,
          "must be lower-case letters, digits and _ (Athena's database names), e.g. athena_");
    }
    return new CatalogSettings(prefix);
  }
}
