package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The machine's Debian mirror, from its apt sources (one-line {@code .list} and deb822 {@code .sources} files):
 * the entry for Debian's main suite, preferring one signed by Debian's archive keyring (or whose URI ends in
 * {@code /debian}) and the release's own codename. {@code ORDERFLOW_DEBIAN_MIRROR} overrides the URI.
 */
final class AptSources {
  private static final Path ETC = Path.of("/etc/apt");

  record Mirror(String uri, String suite) {}

  record Entry(String uri, String suite, boolean debian) {}

  private AptSources() {}

  static Optional<Mirror> find() {
    Map<String, String> os = osRelease();
    String id = os.getOrDefault("ID", "");
    String codename = os.getOrDefault("VERSION_CODENAME", "");
    int bestRank = 0;
    Entry best = null;
    for (Entry e : entries()) {
      if (e.suite().contains("/") || e.suite().contains("-") || e.uri().startsWith("cdrom:")) continue; // updates, security, flat
      int rank = e.debian() ? 4 : id.equals("debian") ? 2 : 0;
      if (rank == 0) continue;
      if (!codename.isEmpty() && e.suite().equals(codename)) rank++;
      if (rank > bestRank) {
        bestRank = rank;
        best = e;
      }
    }
    String suite = best != null ? best.suite() : id.equals("debian") && !codename.isEmpty() ? codename : "stable";
    String override = System.getenv("ORDERFLOW_DEBIAN_MIRROR");
    String uri = override != null && !override.isBlank() ? override.trim() : best == null ? null : best.uri();
    return uri == null ? Optional.empty() : Optional.of(new Mirror(uri, suite));
  }

  static List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    List<Path> lists = new ArrayList<>(List.of(ETC.resolve("sources.list")));
    List<Path> deb822 = new ArrayList<>();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(ETC.resolve("sources.list.d"))) {
      for (Path f : d) {
        if (f.toString().endsWith(".list")) lists.add(f);
        if (f.toString().endsWith(".sources")) deb822.add(f);
      }
    } catch (IOException e) {
      // no sources.list.d
    }
    for (Path f : lists) for (String line : lines(f)) oneLine(line, out);
    for (Path f : deb822) stanzas(lines(f), out);
    return out;
  }

  /** {@code deb [options] URI SUITE COMPONENT...} */
  static void oneLine(String raw, List<Entry> out) {
    String line = raw.replaceAll("#.*", "").trim();
    if (!line.startsWith("deb ")) return;
    String options = "";
    String rest = line.substring(4).trim();
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) return;
      options = rest.substring(1, close);
      rest = rest.substring(close + 1).trim();
    }
    String[] f = rest.split("\\s+");
    if (f.length < 3 || !List.of(f).subList(2, f.length).contains("main")) return;
    out.add(new Entry(f[0], f[1], options.contains("debian-archive-keyring") || f[0].matches(".*/debian/?")));
  }

  /** deb822 stanzas: Types, URIs, Suites, Components, Signed-By, Enabled. */
  static void stanzas(List<String> lines, List<Entry> out) {
    Map<String, String> f = new HashMap<>();
    String key = null;
    List<String> all = new ArrayList<>(lines);
    all.add("");
    for (String line : all) {
      if (line.startsWith("#")) continue;
      if (line.isBlank()) {
        if (words(f.get("types")).contains("deb") && words(f.get("components")).contains("main")
            && !f.getOrDefault("enabled", "yes").toLowerCase(Locale.ROOT).contains("no")) {
          for (String uri : words(f.get("uris"))) {
            for (String suite : words(f.get("suites"))) {
              out.add(new Entry(uri, suite, f.getOrDefault("signed-by", "").contains("debian-archive-keyring") || uri.matches(".*/debian/?")));
            }
          }
        }
        f.clear();
        key = null;
      } else if (Character.isWhitespace(line.charAt(0))) {
        if (key != null) f.merge(key, " " + line.trim(), String::concat);
      } else if (line.contains(":")) {
        key = line.substring(0, line.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        f.put(key, line.substring(line.indexOf(':') + 1).trim());
      }
    }
  }

  private static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
  }

  private static Map<String, String> osRelease() {
    Map<String, String> m = new HashMap<>();
    for (String line : lines(Path.of("/etc/os-release"))) {
      int eq = line.indexOf('=');
      if (eq > 0) m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
    }
    return m;
  }

  private static List<String> lines(Path f) {
    try {
      return Files.readAllLines(f);
    } catch (IOException e) {
      return List.of();
    }
  }
}
