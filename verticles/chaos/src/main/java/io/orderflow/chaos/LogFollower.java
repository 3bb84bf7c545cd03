package io.orderflow.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Copies a growing log to stdout, as {@code tail -F} would: for runs whose stdout is a collector, not a terminal. */
final class LogFollower {
  private LogFollower() {}

  static void follow(Path log) {
    Thread.ofVirtual().name("follow-" + log.getFileName()).start(() -> {
      long pos = 0;
      byte[] buf = new byte[64 * 1024];
      StringBuilder line = new StringBuilder();
      while (true) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
          if (f.length() < pos) pos = 0; // replaced
          f.seek(pos);
          int n;
          while ((n = f.read(buf)) > 0) {
            pos += n;
            line.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int nl;
            while ((nl = line.indexOf("\n")) >= 0) {
              String text = line.substring(0, nl);
              // The supervisor's own line at each start, not the process's output.
              if (!text.matches("=== \\S+ start #\\d+ .*")) System.out.println(text);
              line.delete(0, nl + 1);
            }
          }
        } catch (IOException e) {
          // not there yet
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }
}
