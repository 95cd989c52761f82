package io.fleetlake.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Debian's headless Chromium, for screenshots of the dashboard (installed by .ci/run). */
public final class Chromium {
  private Chromium() {}

  /** Renders {@code page} at the given size into {@code png} and returns the image. */
  public static BufferedImage screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
    String binary = List.of("chromium", "chromium-browser").stream()
        .filter(name -> List.of(System.getenv("PATH").split(File.pathSeparator)).stream()
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, name))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("chromium is not installed: apt-get install chromium (.ci/run does)"));
    Files.deleteIfExists(png);
    Path log = png.resolveSibling(png.getFileName() + ".log");
    Process chromium = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--user-data-dir=" + png.resolveSibling("chromium-profile"),
        "--window-size=" + width + "," + height, "--screenshot=" + png, page.toUri().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
      throw new AssertionError("chromium took over 2 minutes for a screenshot; its log: " + Files.readString(log));
    }
    assertEquals(0, chromium.exitValue(), () -> "chromium failed: " + readQuietly(log));
    assertTrue(Files.size(png) > 0, "a screenshot was written");
    return ImageIO.read(png.toFile());
  }

  /** Pixels of exactly this colour (#rrggbb): the inside of a bar, line or dot drawn in it. */
  public static long pixelsOf(BufferedImage image, String color) {
    int rgb = Integer.parseInt(color.substring(1), 16);
    long count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          count++;
        }
      }
    }
    return count;
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
