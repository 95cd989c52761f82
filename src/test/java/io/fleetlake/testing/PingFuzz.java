package io.fleetlake.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Hostile Kafka ping records for fuzzing the parser: the same records for the same seed, on any JVM
 * ({@link Random}'s sequence is fixed by its specification).
 *
 * <p>Every record starts as a valid ping (valid for an ingest time of {@link #INGEST_TIME}) and breaks one
 * target: one of the nine fields (its value replaced, or the field dropped, written twice or misspelt), an
 * unknown extra field, the value as a whole (its bytes, its encoding, what surrounds the object) or the Kafka
 * key. Each target gets every special value of its kind once, then random ones up to {@code perField}, and the
 * whole list is shuffled. Unlike {@link MalformedPings}, a record carries no expected outcome: the point is
 * that the parser has one for it, whatever it is.
 *
 * <p>This file has no Unicode escapes of Java's own: JSON escape sequences are written with a doubled
 * backslash or built by {@link #u(int)}, non-ASCII text by {@link #cp(int...)}.
 */
public final class PingFuzz {
  /** One record: its Kafka key and value (either may be null), the target it attacks and what was done. */
  public record Record(byte[] key, byte[] value, String field, String kind) {}

  /** The ingest time the valid pings are made for: their event times lie up to 23 hours before it. */
  public static final Instant INGEST_TIME = Instant.parse("2026-11-23T12:00:00Z");
  /** The ping's fields, in the order the valid pings are written (event_id first). */
  public static final List<String> FIELDS = List.of("event_id", "unit_id", "event_time", "lat", "lon",
      "speed_kmh", "heading_deg", "altitude_m", "fuel_level_pct");
  public static final String EXTRA_FIELD = "extra field";
  public static final String WHOLE_VALUE = "whole value";
  public static final String KEY = "key";
  /** Every {@link Record#field()}: the nine fields, an unknown extra field, the whole value, the key. */
  public static final List<String> TARGETS = Stream.concat(FIELDS.stream(), Stream.of(EXTRA_FIELD, WHOLE_VALUE, KEY))
      .toList();
  /** No record (key and value) is larger: the biggest are 100 KB strings in a ping. */
  public static final int MAX_RECORD_BYTES = 110 * 1024;

  private record Named(String kind, byte[] bytes) {}

  private record Edit(String kind, UnaryOperator<byte[]> change) {}

  private record KeyEdit(String kind, Function<String, byte[]> key) {}

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] EVENT_ID_OPEN = utf8("\"event_id\":\"");

  /** Byte sequences a strict UTF-8 decoder must refuse. */
  private static final List<Named> INVALID_UTF8 = List.of(
      bytes("overlong '/' C0 AF", 0xC0, 0xAF),
      bytes("overlong NUL C0 80", 0xC0, 0x80),
      bytes("3-byte overlong '/' E0 80 AF", 0xE0, 0x80, 0xAF),
      bytes("lone continuation byte 80", 0x80),
      bytes("lone continuation byte BF", 0xBF),
      bytes("byte FF", 0xFF),
      bytes("byte FE", 0xFE),
      bytes("UTF-8-encoded surrogate ED A0 80", 0xED, 0xA0, 0x80),
      bytes("beyond U+10FFFF F4 90 80 80", 0xF4, 0x90, 0x80, 0x80),
      bytes("5-byte form F8 88 80 80 80", 0xF8, 0x88, 0x80, 0x80, 0x80),
      bytes("truncated euro sign E2 82", 0xE2, 0x82));

  /** Characters that look like nothing, reorder text or are not characters at all. */
  private static final int[] ODD_CHARS = {0x00A0, 0x3000, 0x200B, 0x200D, 0x200F, 0x202E, 0x2060, 0xFEFF, 0x0301,
      0x2028, 0x2029, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F680, 0x10FFFF};
  private static final String[] MALFORMED_NUMBERS = {"01", "-01", "1.", ".5", "+1", "0x1F", "1e", "1e+", "--1",
      "1_000", "1,5", "1.2.3", "0.0.", "Infinity1"};
  private static final String[] SCALARS = {"1", "-0.0", "1e309", "\"s\"", "null", "true", "\"\\ud800\""};
  /** Bytes that matter to JSON or to UTF-8, for random edits of a whole value. */
  private static final byte[] INTERESTING = {'{', '}', '[', ']', '"', '\\', ',', ':', ' ', '0', '-', 'e', '.', 'n', 0,
      0x1F, 0x7F, (byte) 0x80, (byte) 0xBF, (byte) 0xC0, (byte) 0xE2, (byte) 0xED, (byte) 0xF4, (byte) 0xF8,
      (byte) 0xFE, (byte) 0xFF};

  private static final List<Named> VALUE_TOKENS = valueTokens();
  private static final List<String> FIELD_SHAPES = List.of("absent", "twice, same value", "twice, second value 0",
      "twice, second name escaped", "name in upper case", "name with a trailing space");
  private static final List<Named> EXTRA_NAMES = extraNames();
  private static final List<Edit> WHOLE_VALUE_EDITS = wholeValueEdits();
  private static final List<KeyEdit> KEY_EDITS = keyEdits();

  private PingFuzz() {}

  /**
   * The records for one seed: for each target, every special value of its kind once and random ones, at least
   * {@code perField} in all (more when there are more special values than that), shuffled.
   */
  public static List<Record> records(long seed, int perField) {
    Random rng = new Random(seed);
    List<Record> records = new ArrayList<>();
    for (String field : FIELDS) {
      int start = records.size();
      for (Named value : VALUE_TOKENS) {
        records.add(withValue(validPing(rng), field, value));
      }
      for (String shape : FIELD_SHAPES) {
        Ping ping = validPing(rng);
        records.add(new Record(ping.key(), shaped(ping, field, shape).json(), field, shape));
      }
      while (records.size() - start < perField) {
        records.add(randomFieldRecord(rng, field));
      }
    }

    int start = records.size();
    Named note = str("name note", "note");
    for (Named value : VALUE_TOKENS) {
      records.add(extra(validPing(rng), note, value));
    }
    for (Named name : EXTRA_NAMES) {
      records.add(extra(validPing(rng), name, json("0", "0")));
    }
    records.add(manyFields(validPing(rng), "1,000 extra fields", numberedNames(1_000)));
    records.add(manyFields(validPing(rng), "5,000 extra fields", numberedNames(5_000)));
    // 512 names with one hash in Jackson's symbol table (multiplier 33: "Aa" and "B@" hash alike)
    records.add(manyFields(validPing(rng), "512 extra names with one hash", collidingNames(9)));
    while (records.size() - start < perField) {
      records.add(randomExtraRecord(rng));
    }

    start = records.size();
    for (Edit edit : WHOLE_VALUE_EDITS) {
      Ping ping = validPing(rng);
      records.add(new Record(ping.key(), edit.change().apply(ping.json()), WHOLE_VALUE, edit.kind()));
    }
    while (records.size() - start < perField) {
      records.add(randomWholeValueRecord(rng));
    }

    start = records.size();
    for (KeyEdit edit : KEY_EDITS) {
      Ping ping = validPing(rng);
      records.add(new Record(edit.key().apply(ping.unitId), ping.json(), KEY, edit.kind()));
    }
    while (records.size() - start < perField) {
      Ping ping = validPing(rng);
      Named key = randomKey(rng, ping.unitId);
      records.add(new Record(key.bytes(), ping.json(), KEY, key.kind()));
    }

    for (Record record : records) {
      int size = length(record.key()) + length(record.value());
      if (size > MAX_RECORD_BYTES) {
        throw new IllegalStateException(record.field() + " / " + record.kind() + " is " + size + " bytes");
      }
    }
    Collections.shuffle(records, rng);
    return List.copyOf(records);
  }

  // ---- the special values: each field and the extra field get every one of them ----

  private static List<Named> valueTokens() {
    List<Named> v = new ArrayList<>();
    // numbers at and beyond a double's edges; past 19 digits Jackson keeps a BigInteger, past 1,000 it refuses
    for (String n : List.of("1e308", "-1e308", "4.9e-324", "-4.9e-324", "1.7976931348623157e308",
        "2.2250738585072014e-308", "1e-400", "-0", "-0.0", "0", "1e309", "-1e309", "1E400",
        "12345678901234567890", "-98765432109876543210", "0.1e1", "5.252e1", "1E2")) {
      v.add(json("number " + n, n));
    }
    v.add(json("400-digit integer", "1234567890".repeat(40)));
    v.add(json("400-digit negative integer", "-" + "9876543210".repeat(40)));
    v.add(json("1,001-digit integer", "1" + "0".repeat(1_000)));
    v.add(json("400-digit fraction", "0." + "3".repeat(400)));
    // the ranges' edges: lat -90..90, lon -180..180, heading 0..<360, fuel 0..100, speed >= 0
    for (String n : List.of("90", "-90", "90.0000001", "-90.0000001", "90.00000000000000001", "180", "-180",
        "180.0000001", "-180.0000001", "360", "359.9999999", "100", "100.0000001", "-1", "-0.0000001")) {
      v.add(json("number " + n, n));
    }
    for (String n : MALFORMED_NUMBERS) {
      v.add(json("malformed number " + n, n));
    }
    // numbers that are strings, numbers JSON does not have, and other types
    for (String s : List.of("52.5", "-0", "1e308", " 52.5", "52,5", "NaN", "Infinity", "-Infinity")) {
      v.add(str("number as a string '" + s + "'", s));
    }
    for (String t : List.of("NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "true", "false", "null",
        "TRUE", "nul", "undefined")) {
      v.add(json("bare " + t, t));
    }
    for (String j : List.of("[]", "[52.5]", "[null]", "[1,[2,[3]]]", "{}", "{\"value\":52.5}",
        "{\"lat\":52.5,\"lon\":13.4}", "{\"a\":1,\"a\":2}", "[[[", "{", "[}", "{\"a\"}")) {
      v.add(json("structure " + j, j));
    }
    // nesting around the parser's limit of 64 (the ping object itself is one level)
    for (int depth : new int[] {10, 63, 64, 65, 1_000, 5_000}) {
      v.add(json("arrays nested " + depth + " deep", "[".repeat(depth) + "]".repeat(depth)));
      v.add(json("objects nested " + depth + " deep", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
    }

    // blank, invisible and control characters (raw ones below U+0020 are not JSON; DEL is)
    v.add(str("empty string", ""));
    v.add(str("blank string", "   "));
    v.add(json("escaped tab and newline only", "\"\\t\\n\""));
    v.add(str("no-break space only", cp(0x00A0)));
    v.add(str("ideographic space only", cp(0x3000)));
    v.add(str("zero-width space only", cp(0x200B)));
    v.add(str("byte-order mark only", cp(0xFEFF)));
    v.add(json("raw NUL in a string", "\"a" + (char) 0x00 + "b\""));
    v.add(json("raw U+001F in a string", "\"a" + (char) 0x1F + "b\""));
    v.add(json("raw DEL in a string", "\"a" + (char) 0x7F + "b\""));
    v.add(json("raw newline in a string", "\"a\nb\""));
    v.add(json("escaped NUL", "\"a" + u(0x00) + "b\""));
    v.add(json("escaped NUL only", "\"" + u(0x00) + "\""));
    v.add(json("escaped U+001F", "\"a" + u(0x1F) + "b\""));
    v.add(json("escaped DEL", "\"a" + u(0x7F) + "b\""));
    // surrogates: a JSON escape can name half a character, which no UTF-8 can carry
    v.add(json("escaped lone high surrogate D800", "\"a" + u(0xD800) + "b\""));
    v.add(json("escaped lone low surrogate DC00", "\"a" + u(0xDC00) + "b\""));
    v.add(json("escaped surrogate pair D83D DE80 (rocket)", "\"" + u(0xD83D) + u(0xDE80) + "\""));
    v.add(json("escaped surrogate pair reversed", "\"" + u(0xDE80) + u(0xD83D) + "\""));
    v.add(json("escaped high surrogate at the end", "\"TER-007" + u(0xD83D) + "\""));
    v.add(json("escaped surrogate pair in upper-case hex", "\"\\uD83D\\uDE80\""));
    // text direction, zero-width and combining characters, emoji
    v.add(str("right-to-left override", cp(0x202E) + "TER-007"));
    v.add(str("right-to-left mark inside", "TER" + cp(0x200F) + "-007"));
    v.add(str("Arabic and Hebrew", cp(0x0645, 0x0631, 0x062D, 0x0628, 0x0627, 0x0020, 0x05E9, 0x05DC, 0x05D5, 0x05DD)));
    v.add(str("zero-width joiner inside", "TER" + cp(0x200D) + "-007"));
    v.add(str("word joiner and zero-width space", cp(0x2060, 0x200B)));
    v.add(str("combining accent", "e" + cp(0x0301)));
    v.add(str("combining accent alone", cp(0x0301)));
    v.add(str("60 combining marks on one letter", "T" + cp(0x0336).repeat(30) + cp(0x0489).repeat(30)));
    v.add(str("line and paragraph separators", "a" + cp(0x2028) + "b" + cp(0x2029)));
    v.add(str("noncharacters FFFE FFFF 10FFFF", cp(0xFFFE, 0xFFFF, 0x10FFFF)));
    v.add(str("replacement character", cp(0xFFFD)));
    v.add(str("emoji rocket", cp(0x1F680)));
    v.add(str("emoji family (ZWJ sequence)", cp(0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467)));
    v.add(str("emoji flag", cp(0x1F1E9, 0x1F1EA)));
    v.add(str("emoji with skin tone", cp(0x1F44D, 0x1F3FD)));
    // sizes: with the rest of a ping, 60 KB stays under the 64 KiB value limit and 100 KB does not
    v.add(str("1 KB string", "x".repeat(1024)));
    v.add(str("60 KB string", "x".repeat(60 * 1024)));
    v.add(str("60 KB of emoji", cp(0x1F680).repeat(15 * 1024)));
    v.add(str("100 KB string", "x".repeat(100 * 1024)));
    // text that breaks naive SQL, quoting, format strings or logs
    v.add(str("SQL ') OR true --", "') OR true --"));
    v.add(str("SQL O'Brien", "O'Brien"));
    v.add(str("SQL '; DROP TABLE", "'; DROP TABLE bronze.locations; --"));
    v.add(str("backslash-terminated x\\ (escaped)", "x\\"));
    v.add(json("backslash-terminated x\\ unescaped (eats the closing quote)", "\"x\\\""));
    v.add(str("quotes inside", "\" OR \"\"=\""));
    v.add(str("format string", "%s%n%d%%"));
    v.add(str("JNDI lookup", "${jndi:ldap://example.invalid/a}"));
    v.add(str("HTML", "<script>alert(1)</script>"));
    v.add(str("the text backslash-u-0000", "\\u0000"));
    // escapes JSON does not have
    v.add(json("invalid escape backslash-x", "\"\\x41\""));
    v.add(json("short unicode escape", "\"\\u12\""));
    v.add(json("non-hex unicode escape", "\"\\uZZZZ\""));
    v.add(json("escaped single quote", "\"\\'\""));
    // bytes that are not UTF-8, inside a string
    for (Named bad : INVALID_UTF8) {
      v.add(new Named("invalid UTF-8 in a string: " + bad.kind(), concat(utf8("\"ab"), bad.bytes(), utf8("cd\""))));
    }

    // timestamps: years Instant holds but Spark's microseconds do not, edges of the range, offsets, bad dates
    for (String t : List.of("+300000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
        "+999999999-12-31T23:59:59.999999999-18:00", "-999999999-01-01T00:00:00+18:00", "+294247-01-10T04:00:54.775807Z",
        "0000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1999-12-31T23:59:59Z",
        "1999-12-31T23:59:59.999999999Z", "2000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", "2100-01-01T00:00:00+14:00",
        "2026-11-23T10:15:00+18:00", "2026-11-23T10:15:00-18:00", "2026-11-23T10:15:00+18:01",
        "2026-11-23T10:15:00-18:01", "2026-11-23T10:15:00+14:00", "2026-11-23T10:15:00+01", "2026-11-23T10:15:00+0100",
        "2026-11-23T10:15:00+01:00:30", "2026-11-23T10:15:00", "2026-11-23t10:15:00z", "2026-11-23T10:15Z",
        "2026-11-23 10:15:00Z", "2026-11-23T10:15:00 Z", "2026-11-23T10:15:00.123456789Z",
        "2026-11-23T10:15:00.1234567890Z", "2026-11-23T10:15:00,5Z", "2026-12-31T23:59:60Z", "2026-02-30T10:15:00Z",
        "2026-02-29T10:15:00Z", "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23", "10:15:00Z",
        "2026-11-23T10:15:00Z[Europe/Berlin]", "2026-W48-1T10:15:00Z", "2026-327T10:15:00Z",
        "Mon, 23 Nov 2026 10:15:00 GMT", "1795428900", "1795428900000",
        // ingest time + 23 h, + 24 h (the range's end), + 24 h and a nanosecond, + 25 h
        "2026-11-24T11:00:00Z", "2026-11-24T12:00:00Z", "2026-11-24T12:00:00.000000001Z", "2026-11-24T13:00:00Z")) {
      v.add(str("time " + t, t));
    }
    v.add(json("epoch seconds as a number", "1795428900"));
    v.add(json("epoch milliseconds as a number", "1795428900000"));
    v.add(json("epoch seconds with a fraction", "1795428900.5"));
    return List.copyOf(v);
  }

  private static List<Named> extraNames() {
    List<Named> n = new ArrayList<>();
    n.add(str("empty name", ""));
    n.add(str("name LAT (another field)", "LAT"));
    n.add(str("name 'lat ' (another field)", "lat "));
    n.add(json("name lat with its l escaped (a duplicate)", "\"" + u('l') + "at\""));
    n.add(json("name unit_id with its u escaped (a duplicate)", "\"" + u('u') + "nit_id\""));
    n.add(json("name with an escaped NUL", "\"a" + u(0x00) + "\""));
    n.add(json("name with a raw control character", "\"a" + (char) 0x01 + "\""));
    n.add(json("name that is an escaped lone surrogate", "\"" + u(0xD800) + "\""));
    n.add(str("emoji name", cp(0x1F680)));
    n.add(str("1 KB name", "n".repeat(1024)));
    n.add(str("60 KB name", "n".repeat(60 * 1024)));
    n.add(str("name __proto__", "__proto__"));
    n.add(str("name with a quote", "a\"b"));
    n.add(json("unquoted name", "note"));
    n.add(json("single-quoted name", "'note'"));
    n.add(json("number as a name", "1"));
    return List.copyOf(n);
  }

  private static List<Edit> wholeValueEdits() {
    List<Edit> e = new ArrayList<>();
    // nothing, or nothing but whitespace
    e.add(new Edit("empty value", v -> new byte[0]));
    e.add(new Edit("null value (a tombstone)", v -> null));
    e.add(new Edit("only spaces", v -> utf8("    ")));
    e.add(new Edit("only whitespace: tab, CR, LF", v -> utf8(" \t\r\n ")));
    e.add(new Edit("only a NUL byte", v -> new byte[] {0}));
    // encodings
    e.add(new Edit("BOM prefix", v -> concat(BOM, v)));
    e.add(new Edit("BOM only", v -> BOM.clone()));
    e.add(new Edit("UTF-16 with a BOM", v -> new String(v, UTF_8).getBytes(StandardCharsets.UTF_16)));
    e.add(new Edit("UTF-16LE without a BOM", v -> new String(v, UTF_8).getBytes(StandardCharsets.UTF_16LE)));
    e.add(new Edit("Latin-1 e-acute inside event_id", v -> insertAfter(v, EVENT_ID_OPEN, new byte[] {(byte) 0xE9})));
    for (Named bad : INVALID_UTF8) {
      e.add(new Edit("invalid UTF-8 inside event_id: " + bad.kind(), v -> insertAfter(v, EVENT_ID_OPEN, bad.bytes())));
      e.add(new Edit("invalid UTF-8 before the object: " + bad.kind(), v -> concat(bad.bytes(), v)));
      e.add(new Edit("invalid UTF-8 after the object: " + bad.kind(), v -> concat(v, bad.bytes())));
    }
    e.add(new Edit("100 KB of byte FF", v -> filled(100 * 1024, 0xFF)));
    // around the object
    e.add(new Edit("trailing garbage", v -> concat(v, utf8("garbage"))));
    e.add(new Edit("trailing closing brace", v -> concat(v, utf8("}"))));
    e.add(new Edit("trailing comma", v -> concat(v, utf8(","))));
    e.add(new Edit("trailing NUL byte", v -> concat(v, new byte[] {0})));
    e.add(new Edit("a second ping after the first", v -> concat(v, v)));
    e.add(new Edit("a second ping after a newline", v -> concat(v, utf8("\n"), v)));
    e.add(new Edit("trailing CRLF (allowed)", v -> concat(v, utf8("\r\n"))));
    e.add(new Edit("leading whitespace (allowed)", v -> concat(utf8(" \n\t"), v)));
    e.add(new Edit("pretty-printed with CRLF (allowed)", v -> utf8(new String(v, UTF_8).replace(",", ",\r\n  "))));
    e.add(new Edit("truncated in the middle", v -> Arrays.copyOf(v, v.length / 2)));
    e.add(new Edit("truncated before the closing brace", v -> Arrays.copyOf(v, v.length - 1)));
    e.add(new Edit("only the opening brace", v -> utf8("{")));
    // not JSON, or JSON but no object
    e.add(new Edit("single quotes", v -> utf8(new String(v, UTF_8).replace('"', '\''))));
    e.add(new Edit("a comment inside", v -> insertAfter(v, utf8("{"), utf8("/* ping */"))));
    e.add(new Edit("a trailing comma inside", v -> beforeClosingBrace(v, ",")));
    e.add(new Edit("plain text", v -> utf8("ping from TER-007 at 52.52,13.405")));
    e.add(new Edit("the ping inside an array", v -> concat(utf8("["), v, utf8("]"))));
    e.add(new Edit("the ping as a JSON string", v -> utf8(jsonText(new String(v, UTF_8)))));
    e.add(new Edit("JSON number", v -> utf8("42")));
    e.add(new Edit("JSON true", v -> utf8("true")));
    e.add(new Edit("JSON null", v -> utf8("null")));
    e.add(new Edit("empty array", v -> utf8("[]")));
    e.add(new Edit("empty object", v -> utf8("{}")));
    e.add(new Edit("arrays nested 5,000 deep", v -> utf8("[".repeat(5_000) + "]".repeat(5_000))));
    e.add(new Edit("the ping inside 63 objects (depth 64)", v -> concat(utf8("{\"a\":".repeat(63)), v, utf8("}".repeat(63)))));
    e.add(new Edit("the ping inside 64 objects (depth 65)", v -> concat(utf8("{\"a\":".repeat(64)), v, utf8("}".repeat(64)))));
    // a key twice
    e.add(new Edit("event_id twice", v -> beforeClosingBrace(v, ",\"event_id\":\"dup\"")));
    e.add(new Edit("a key twice in a nested object", v -> beforeClosingBrace(v, ",\"meta\":{\"a\":1,\"a\":2}")));
    // sizes around the 64 KiB limit
    e.add(new Edit("padded to exactly 64 KiB", v -> paddedTo(v, 64 * 1024)));
    e.add(new Edit("padded to 64 KiB + 1 byte", v -> paddedTo(v, 64 * 1024 + 1)));
    e.add(new Edit("padded to 100 KB", v -> paddedTo(v, 100 * 1024)));
    return List.copyOf(e);
  }

  private static List<KeyEdit> keyEdits() {
    List<KeyEdit> k = new ArrayList<>();
    k.add(new KeyEdit("null key", unit -> null));
    k.add(new KeyEdit("empty key", unit -> new byte[0]));
    k.add(new KeyEdit("the unit_id (valid)", PingFuzz::utf8));
    k.add(new KeyEdit("another unit", unit -> utf8("TER-999")));
    k.add(new KeyEdit("the unit_id and a space", unit -> utf8(unit + " ")));
    k.add(new KeyEdit("the unit_id in lower case", unit -> utf8(unit.toLowerCase(Locale.ROOT))));
    k.add(new KeyEdit("the unit_id in UTF-16", unit -> unit.getBytes(StandardCharsets.UTF_16)));
    k.add(new KeyEdit("the unit_id and an E-acute in Latin-1", unit -> (unit + cp(0xC9)).getBytes(StandardCharsets.ISO_8859_1)));
    k.add(new KeyEdit("the unit_id and a NUL byte", unit -> concat(utf8(unit), new byte[] {0})));
    k.add(new KeyEdit("emoji key", unit -> utf8(cp(0x1F680))));
    k.add(new KeyEdit("1 KB key", unit -> utf8("k".repeat(1024))));
    k.add(new KeyEdit("60 KB key", unit -> utf8("k".repeat(60 * 1024))));
    k.add(new KeyEdit("non-UTF-8 key FF FE", unit -> new byte[] {(byte) 0xFF, (byte) 0xFE}));
    for (Named bad : INVALID_UTF8) {
      k.add(new KeyEdit("non-UTF-8 key: the unit_id and " + bad.kind(), unit -> concat(utf8(unit), bad.bytes())));
    }
    return List.copyOf(k);
  }

  // ---- random records ----

  private static Record randomFieldRecord(Random rng, String field) {
    Ping ping = validPing(rng);
    if (rng.nextInt(20) == 0) {
      String shape = FIELD_SHAPES.get(rng.nextInt(FIELD_SHAPES.size()));
      return new Record(ping.key(), shaped(ping, field, shape).json(), field, "random: " + shape);
    }
    return withValue(ping, field, randomValue(rng, field));
  }

  private static Record randomExtraRecord(Random rng) {
    Named name = rng.nextInt(4) == 0 ? json("random name", randomJsonString(rng)) : str("name note", "note");
    return extra(validPing(rng), name, randomValue(rng, EXTRA_FIELD));
  }

  /** A valid ping's bytes with 1 to 4 random edits: bytes set, flipped, deleted, inserted, cut or repeated. */
  private static Record randomWholeValueRecord(Random rng) {
    Ping ping = validPing(rng);
    byte[] v = ping.json();
    StringBuilder kind = new StringBuilder("random byte edits:");
    for (int edits = 1 + rng.nextInt(4); edits > 0 && v.length > 0; edits--) {
      int at = rng.nextInt(v.length);
      switch (rng.nextInt(6)) {
        case 0 -> {
          v[at] = INTERESTING[rng.nextInt(INTERESTING.length)];
          kind.append(" set@").append(at);
        }
        case 1 -> {
          v[at] ^= (byte) (1 << rng.nextInt(8));
          kind.append(" flip@").append(at);
        }
        case 2 -> {
          v = concat(Arrays.copyOf(v, at), Arrays.copyOfRange(v, at + 1, v.length));
          kind.append(" delete@").append(at);
        }
        case 3 -> {
          byte[] inserted = {INTERESTING[rng.nextInt(INTERESTING.length)]};
          v = concat(Arrays.copyOf(v, at), inserted, Arrays.copyOfRange(v, at, v.length));
          kind.append(" insert@").append(at);
        }
        case 4 -> {
          v = Arrays.copyOf(v, at);
          kind.append(" cut@").append(at);
        }
        default -> {
          int end = at + 1 + rng.nextInt(v.length - at);
          v = concat(Arrays.copyOf(v, end), Arrays.copyOfRange(v, at, v.length));
          kind.append(" repeat@").append(at).append('-').append(end);
        }
      }
    }
    return new Record(ping.key(), v, WHOLE_VALUE, kind.toString());
  }

  private static Named randomKey(Random rng, String unitId) {
    switch (rng.nextInt(5)) {
      case 0:
        return new Named("random: null key", null);
      case 1:
        byte[] key = new byte[rng.nextInt(41)];
        rng.nextBytes(key);
        return new Named("random key bytes", key);
      case 2:
        return new Named("random: the unit_id", utf8(unitId));
      case 3:
        return new Named("random: the unit_id and more", utf8(unitId + randomAlnum(rng, 1 + rng.nextInt(5))));
      default:
        return new Named("random key text", utf8(randomText(rng, rng.nextInt(30))));
    }
  }

  /** A value for a field: near-valid ones most often (so that some pings pass), any other kind otherwise. */
  private static Named randomValue(Random rng, String field) {
    return switch (rng.nextInt(8)) {
      case 0, 1, 2 -> nearValid(rng, field);
      case 3 -> VALUE_TOKENS.get(rng.nextInt(VALUE_TOKENS.size()));
      case 4 -> json("random number", randomNumberText(rng));
      case 5 -> json("random string", randomJsonString(rng));
      case 6 -> str("random time", randomTimeText(rng));
      default -> json("random structure", randomStructure(rng));
    };
  }

  private static Named nearValid(Random rng, String field) {
    return switch (field) {
      case "event_id", "unit_id" -> rng.nextBoolean()
          ? str("random id", "ev-" + randomAlnum(rng, 1 + rng.nextInt(40)))
          : json("random string", randomJsonString(rng));
      case "event_time" -> str("random time near the ingest time", nearIngestTime(rng));
      case "lat" -> json("random number near the lat range", randomDecimal(rng, -91, 91));
      case "lon" -> json("random number near the lon range", randomDecimal(rng, -181, 181));
      case "speed_kmh" -> json("random speed", randomDecimal(rng, -10, 400));
      case "heading_deg" -> json("random heading", randomDecimal(rng, -1, 361));
      case "altitude_m" -> json("random altitude", randomDecimal(rng, -1_000, 10_000));
      case "fuel_level_pct" -> json("random fuel level", randomDecimal(rng, -1, 101));
      default -> rng.nextBoolean() ? json("random string", randomJsonString(rng))
          : json("random number", randomNumberText(rng));
    };
  }

  private static String randomDecimal(Random rng, double min, double max) {
    double x = min + rng.nextDouble() * (max - min);
    return switch (rng.nextInt(4)) {
      case 0 -> String.format(Locale.ROOT, "%." + rng.nextInt(16) + "f", x);
      case 1 -> Double.toString(x);
      case 2 -> String.format(Locale.ROOT, "%.6e", x);
      default -> Long.toString(Math.round(x));
    };
  }

  private static String randomNumberText(Random rng) {
    return switch (rng.nextInt(6)) {
      // any bit pattern, NaN and Infinity included (which JSON does not have)
      case 0 -> Double.toString(Double.longBitsToDouble(rng.nextLong()));
      case 1 -> Long.toString(rng.nextLong());
      // up to beyond Jackson's 1,000-digit limit
      case 2 -> (rng.nextBoolean() ? "-" : "") + (1 + rng.nextInt(9)) + digits(rng, rng.nextInt(1_100));
      case 3 -> (rng.nextBoolean() ? "-" : "") + rng.nextInt(1_000) + "." + digits(rng, 1 + rng.nextInt(20))
          + pick(rng, "e", "E", "e+", "e-", "E-") + rng.nextInt(700);
      case 4 -> pick(rng, MALFORMED_NUMBERS);
      default -> String.format(Locale.ROOT, "%." + rng.nextInt(12) + "f", rng.nextGaussian() * Math.pow(10, rng.nextInt(12)));
    };
  }

  /** Mostly printable ASCII, with escapes, lone surrogate halves, astral and odd characters; rarely not JSON. */
  private static String randomJsonString(Random rng) {
    int length = rng.nextInt(4) == 0 ? rng.nextInt(300) : rng.nextInt(12);
    StringBuilder json = new StringBuilder("\"");
    for (int i = 0; i < length; i++) {
      int roll = rng.nextInt(100);
      if (roll < 40) {
        appendEscaped(json, 0x20 + rng.nextInt(0x5F));
      } else if (roll < 48) {
        json.append(u(rng.nextInt(0x20)));
      } else if (roll < 52) {
        json.append(pick(rng, "\\n", "\\t", "\\r", "\\b", "\\f", "\\/", "\\\"", "\\\\"));
      } else if (roll < 56) {
        json.appendCodePoint(0x7F + rng.nextInt(0x21)); // DEL and the C1 controls: legal raw in JSON
      } else if (roll < 62) {
        json.append(u(0xD800 + rng.nextInt(0x800)));
      } else if (roll < 72) {
        int c = 0xA0 + rng.nextInt(0xFFFF - 0xA0 + 1);
        json.appendCodePoint(c >= 0xD800 && c <= 0xDFFF ? c + 0x800 : c);
      } else if (roll < 80) {
        json.appendCodePoint(0x10000 + rng.nextInt(0x100000));
      } else if (roll < 85) {
        int c = 0x10000 + rng.nextInt(0x100000);
        json.append(u(Character.highSurrogate(c))).append(u(Character.lowSurrogate(c)));
      } else if (roll < 95) {
        json.appendCodePoint(ODD_CHARS[rng.nextInt(ODD_CHARS.length)]);
      } else if (roll < 99) {
        json.append((char) ('0' + rng.nextInt(10)));
      } else {
        // not JSON: a raw control character, a bad escape, or a backslash that eats the closing quote
        json.append(pick(rng, String.valueOf((char) rng.nextInt(0x20)), "\\x", "\\u12", "\\"));
      }
    }
    return json.append('"').toString();
  }

  /** Within three days before and two after the ingest time, in any offset from -18:00 to +18:00. */
  private static String nearIngestTime(Random rng) {
    Instant t = INGEST_TIME.plusSeconds(rng.nextInt(5 * 86_400) - 3 * 86_400);
    if (rng.nextBoolean()) {
      t = t.plusNanos(rng.nextInt(1_000_000_000));
    }
    ZoneOffset offset = ZoneOffset.ofTotalSeconds((rng.nextInt(145) - 72) * 900);
    return t.atOffset(offset).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** A timestamp-like text: any year, now and then a field out of range, any offset or none. */
  private static String randomTimeText(Random rng) {
    int year = switch (rng.nextInt(6)) {
      case 0 -> 2026;
      case 1 -> 1990 + rng.nextInt(120);
      case 2 -> rng.nextInt(10_000);
      case 3 -> 290_000 + rng.nextInt(10_000); // around +294247, the last year of Spark's timestamps
      case 4 -> -rng.nextInt(10_000);
      default -> rng.nextInt(2_000_000_001) - 1_000_000_000;
    };
    String yearText = year >= 0 && year <= 9999 ? String.format(Locale.ROOT, "%04d", year)
        : String.format(Locale.ROOT, "%s%04d", year < 0 ? "-" : "+", Math.abs(year));
    if (rng.nextInt(10) == 0) {
      yearText = Integer.toString(year); // no padding, no plus sign
    }
    StringBuilder t = new StringBuilder(yearText)
        .append('-').append(two(usually(rng, 1 + rng.nextInt(12), 0, 13)))
        .append('-').append(two(usually(rng, 1 + rng.nextInt(28), 0, 29, 30, 31, 32)))
        .append(pick(rng, "T", "T", "T", "T", "t", " ", ""))
        .append(two(usually(rng, rng.nextInt(24), 24, 25, 99)))
        .append(':').append(two(usually(rng, rng.nextInt(60), 60)));
    if (rng.nextInt(8) != 0) {
      t.append(':').append(two(usually(rng, rng.nextInt(60), 60, 61)));
    }
    if (rng.nextInt(3) == 0) {
      t.append(pick(rng, ".", ".", ",")).append(digits(rng, 1 + rng.nextInt(10)));
    }
    return t.append(randomOffset(rng)).toString();
  }

  private static String randomOffset(Random rng) {
    String sign = rng.nextBoolean() ? "+" : "-";
    int hours = rng.nextInt(20);
    int minutes = rng.nextInt(4) == 0 ? rng.nextInt(60) : 0;
    return switch (rng.nextInt(10)) {
      case 0, 1, 2 -> "Z";
      case 3 -> "z";
      case 4 -> "";
      case 5 -> sign + two(hours);
      case 6 -> sign + two(hours) + two(minutes);
      case 7 -> sign + two(hours) + ":" + two(minutes) + ":" + two(rng.nextInt(60));
      case 8 -> pick(rng, "Z[UTC]", " UTC", "+00:00[Europe/Berlin]", "GMT");
      default -> sign + two(hours) + ":" + two(minutes);
    };
  }

  /** Either a narrow spine up to 100 deep (across the parser's nesting limit) or a small bushy value. */
  private static String randomStructure(Random rng) {
    if (rng.nextBoolean()) {
      int depth = rng.nextInt(100);
      StringBuilder open = new StringBuilder();
      StringBuilder close = new StringBuilder();
      for (int i = 0; i < depth; i++) {
        boolean array = rng.nextBoolean();
        open.append(array ? "[" : "{\"k\":");
        close.insert(0, array ? ']' : '}');
      }
      return open + pick(rng, SCALARS) + close;
    }
    StringBuilder json = new StringBuilder();
    appendBushy(rng, json, 1 + rng.nextInt(6));
    return json.toString();
  }

  private static void appendBushy(Random rng, StringBuilder json, int depth) {
    if (depth == 0 || rng.nextInt(4) == 0) {
      json.append(pick(rng, SCALARS));
      return;
    }
    boolean array = rng.nextBoolean();
    json.append(array ? '[' : '{');
    int members = rng.nextInt(4);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        json.append(',');
      }
      if (!array) {
        json.append(pick(rng, "\"a\"", "\"b\"", "\"lat\"", "\"\"")).append(':'); // names may repeat: a duplicate
      }
      appendBushy(rng, json, depth - 1);
    }
    json.append(array ? ']' : '}');
  }

  // ---- pings ----

  /** A ping the parser accepts without a flag, for an ingest time of {@link #INGEST_TIME}; its key is its unit. */
  private static Ping validPing(Random rng) {
    String unitId = String.format(Locale.ROOT, "%s-%03d", pick(rng, "TER", "TRK", "VAN", "BUS"), rng.nextInt(1000));
    Instant eventTime = INGEST_TIME.minusSeconds(rng.nextInt(23 * 3600)).minusMillis(rng.nextInt(1000));
    ZoneOffset offset = ZoneOffset.ofHours(rng.nextInt(3) - 1);
    return new Ping(unitId)
        .put("event_id", jsonString(new UUID(rng.nextLong(), rng.nextLong()).toString()))
        .put("unit_id", jsonString(unitId))
        .put("event_time", jsonString(eventTime.atOffset(offset).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
        .put("lat", decimal("%.5f", -90 + rng.nextDouble() * 180))
        .put("lon", decimal("%.5f", -180 + rng.nextDouble() * 360))
        .put("speed_kmh", decimal("%.1f", rng.nextDouble() * 130))
        .put("heading_deg", decimal("%.1f", rng.nextInt(3600) / 10.0))
        .put("altitude_m", decimal("%.1f", -50 + rng.nextDouble() * 2500))
        .put("fuel_level_pct", decimal("%.1f", rng.nextInt(1001) / 10.0));
  }

  /** A ping as JSON members in order, duplicates allowed: each name a JSON string token, each value JSON. */
  private static final class Ping {
    private final String unitId;
    private final List<byte[]> names = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();

    Ping(String unitId) {
      this.unitId = unitId;
    }

    Ping put(String field, byte[] value) {
      int i = indexOf(field);
      if (i < 0) {
        return add(jsonString(field), value);
      }
      values.set(i, value);
      return this;
    }

    Ping add(byte[] name, byte[] value) {
      names.add(name);
      values.add(value);
      return this;
    }

    Ping remove(String field) {
      int i = indexOf(field);
      names.remove(i);
      values.remove(i);
      return this;
    }

    byte[] value(String field) {
      return values.get(indexOf(field));
    }

    byte[] key() {
      return utf8(unitId);
    }

    byte[] json() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.writeBytes(names.get(i));
        out.write(':');
        out.writeBytes(values.get(i));
      }
      out.write('}');
      return out.toByteArray();
    }

    private int indexOf(String field) {
      byte[] name = jsonString(field);
      for (int i = 0; i < names.size(); i++) {
        if (Arrays.equals(names.get(i), name)) {
          return i;
        }
      }
      return -1;
    }
  }

  private static Record withValue(Ping ping, String field, Named value) {
    return new Record(ping.key(), ping.put(field, value.bytes()).json(), field, value.kind());
  }

  private static Record extra(Ping ping, Named name, Named value) {
    return new Record(ping.key(), ping.add(name.bytes(), value.bytes()).json(), EXTRA_FIELD,
        name.kind() + " = " + value.kind());
  }

  private static Record manyFields(Ping ping, String kind, List<String> names) {
    for (String name : names) {
      ping.add(jsonString(name), utf8("0"));
    }
    return new Record(ping.key(), ping.json(), EXTRA_FIELD, kind);
  }

  /** The field's name rather than its value: gone, written twice, or spelt so that it is another field. */
  private static Ping shaped(Ping ping, String field, String shape) {
    byte[] value = ping.value(field);
    switch (shape) {
      case "absent" -> ping.remove(field);
      case "twice, same value" -> ping.add(jsonString(field), value);
      case "twice, second value 0" -> ping.add(jsonString(field), utf8("0"));
      case "twice, second name escaped" -> ping.add(utf8("\"" + u(field.charAt(0)) + field.substring(1) + "\""), value);
      case "name in upper case" -> ping.remove(field).add(jsonString(field.toUpperCase(Locale.ROOT)), value);
      case "name with a trailing space" -> ping.remove(field).add(jsonString(field + " "), value);
      default -> throw new IllegalArgumentException(shape);
    }
    return ping;
  }

  private static List<String> numberedNames(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("f" + i);
    }
    return names;
  }

  /** All 2^blocks names made of the blocks "Aa" and "B@", whose hashes (h * 33 + c) are equal. */
  private static List<String> collidingNames(int blocks) {
    List<String> names = new ArrayList<>();
    for (int bits = 0; bits < 1 << blocks; bits++) {
      StringBuilder name = new StringBuilder();
      for (int b = 0; b < blocks; b++) {
        name.append((bits >> b & 1) == 0 ? "Aa" : "B@");
      }
      names.add(name.toString());
    }
    return names;
  }

  // ---- bytes and text ----

  private static Named json(String kind, String jsonText) {
    return new Named(kind, utf8(jsonText));
  }

  private static Named str(String kind, String content) {
    return new Named(kind, jsonString(content));
  }

  private static Named bytes(String kind, int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return new Named(kind, b);
  }

  private static byte[] jsonString(String content) {
    return utf8(jsonText(content));
  }

  /** The JSON string token for a text: quotes, backslashes, controls and lone surrogates escaped, the rest raw. */
  private static String jsonText(String content) {
    StringBuilder json = new StringBuilder("\"");
    content.codePoints().forEach(c -> {
      if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) {
        json.append(u(c));
      } else {
        appendEscaped(json, c);
      }
    });
    return json.append('"').toString();
  }

  private static void appendEscaped(StringBuilder json, int c) {
    if (c == '"' || c == '\\') {
      json.append('\\');
    }
    json.appendCodePoint(c);
  }

  /** A JSON escape for one UTF-16 code unit. */
  private static String u(int codeUnit) {
    return String.format(Locale.ROOT, "\\u%04x", codeUnit);
  }

  /** Text from code points, to keep this file ASCII. */
  private static String cp(int... codePoints) {
    return new String(codePoints, 0, codePoints.length);
  }

  private static byte[] decimal(String format, double x) {
    return utf8(String.format(Locale.ROOT, format, x));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] insertAfter(byte[] value, byte[] marker, byte[] inserted) {
    for (int i = 0; i + marker.length <= value.length; i++) {
      if (Arrays.equals(value, i, i + marker.length, marker, 0, marker.length)) {
        int at = i + marker.length;
        return concat(Arrays.copyOf(value, at), inserted, Arrays.copyOfRange(value, at, value.length));
      }
    }
    throw new IllegalStateException("no " + new String(marker, UTF_8) + " in the ping");
  }

  private static byte[] beforeClosingBrace(byte[] value, String text) {
    return concat(Arrays.copyOf(value, value.length - 1), utf8(text + "}"));
  }

  /** The ping with a "padding" field that makes it exactly {@code size} bytes. */
  private static byte[] paddedTo(byte[] value, int size) {
    byte[] open = concat(Arrays.copyOf(value, value.length - 1), utf8(",\"padding\":\""));
    return concat(open, utf8("p".repeat(size - open.length - 2)), utf8("\"}"));
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  // ---- random helpers ----

  private static String pick(Random rng, String... options) {
    return options[rng.nextInt(options.length)];
  }

  /** {@code usual} nine times in ten, otherwise one of the odd values. */
  private static int usually(Random rng, int usual, int... odd) {
    return rng.nextInt(10) == 0 ? odd[rng.nextInt(odd.length)] : usual;
  }

  private static String two(int n) {
    return String.format(Locale.ROOT, "%02d", n);
  }

  private static String digits(Random rng, int count) {
    StringBuilder s = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      s.append((char) ('0' + rng.nextInt(10)));
    }
    return s.toString();
  }

  private static String randomAlnum(Random rng, int count) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder s = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      s.append(alphabet.charAt(rng.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** Random code points, any plane; surrogate halves replaced, as UTF-8 cannot carry them. */
  private static String randomText(Random rng, int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < count; i++) {
      int c = rng.nextInt(0x110000);
      s.appendCodePoint(c >= 0xD800 && c <= 0xDFFF ? '?' : c);
    }
    return s.toString();
  }
}
