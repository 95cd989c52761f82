package io.fleetlake.local;

import io.fleetlake.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * An S3-compatible server standing in for MinIO (s3proxy over the file system): path-style, AWS signatures
 * v2 and v4, the bucket created before it starts (a bucket is a folder under its data).
 */
final class S3Server extends LocalServer {
  private final Path jar;
  private final String bucket;
  private final Secret accessKey;
  private final Secret secretKey;

  S3Server(Path stackDir, Path stage, int port, String bucket, Secret accessKey, Secret secretKey) {
    super("s3", port, stackDir);
    this.jar = stage.resolve("s3proxy.jar").toAbsolutePath();
    this.bucket = bucket;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  @Override
  long launch() throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("s3proxy is not staged at " + jar + ": run mvn -f src/local-stack/pom.xml package");
    }
    Files.createDirectories(dir.resolve("data").resolve(bucket));
    Path properties = dir.resolve("s3proxy.properties");
    // holds the keys: readable by its owner only, in a git-ignored folder
    Files.deleteIfExists(properties);
    Files.createFile(properties, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://" + HOST + ":" + port(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey.reveal(),
        "s3proxy.credential=" + secretKey.reveal(),
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + dir.resolve("data"),
        ""));
    return Processes.launch(List.of(Processes.javaBinary(), "-Xmx384m", "-jar", jar.toString(),
        "--properties", properties.toString()), dir, log());
  }

  @Override
  String detail() {
    return "bucket " + bucket;
  }
}
