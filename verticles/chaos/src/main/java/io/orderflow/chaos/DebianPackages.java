package io.orderflow.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Binaries from Debian packages, fetched into {@code .cache/<package>/<version>/} without root and without
 * touching the machine's packages or apt sources. A private apt configuration (its own sources list, package
 * lists, cache and an empty dpkg status, in a temporary directory under {@code .cache/apt/}) downloads one
 * package from the machine's own Debian mirror; apt checks the mirror's InRelease signature against Debian's
 * archive keyring and the .deb's SHA-256 against the signed index, and nothing here turns those checks off.
 * How nats-server (Debian testing's), promtool and prometheus (the release's) and kustomize (trixie's) get here.
 */
public final class DebianPackages {
  static final Path KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
  private static final Pattern SUITE_NAME = Pattern.compile("[a-z]+");

  private final Path cache;
  private final Path log;

  public DebianPackages(Path root) {
    this.cache = root.resolve(".cache");
    this.log = root.resolve(".data/logs");
  }

  /** A package to fetch: its name, the oldest acceptable upstream version (null: any), suites in order, binaries. */
  public record Wanted(String pkg, String min, List<String> suites, List<String> binaries) {}

  /** The newest cached directory of {@code pkg} holding every binary, if any. */
  public java.util.Optional<Path> cached(String pkg, List<String> binaries) {
    Path dir = cache.resolve(pkg);
    if (!Files.isDirectory(dir)) return java.util.Optional.empty();
    try (Stream<Path> dirs = Files.list(dir)) {
      return dirs.filter(d -> binaries.stream().allMatch(b -> Files.isExecutable(d.resolve(b))))
          .max(Comparator.comparing(d -> d.getFileName().toString(), DebianPackages::compareVersions));
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** Fetches the package; the directory its binaries were unpacked into. The message of a failure says why and what to do. */
  public Path fetch(Wanted w) throws IOException, InterruptedException {
    if (DevTools.onPath("apt-get").isEmpty() || DevTools.onPath("dpkg-deb").isEmpty()) throw new IOException("apt-get and dpkg-deb are needed to fetch " + w.pkg() + " (a Debian-based machine)");
    if (!Files.isReadable(KEYRING)) throw new IOException("Debian's archive keyring " + KEYRING + ", which verifies the mirror's signature, is missing (package debian-archive-keyring)");
    AptSources.Mirror mirror = AptSources.find().orElseThrow(() -> new IOException(
        "no Debian mirror found: no entry for Debian's main suite in the machine's apt sources (set ORDERFLOW_DEBIAN_MIRROR)"));
    Files.createDirectories(log);
    Path logFile = log.resolve("fetch-" + w.pkg() + ".log");
    Path aptDir = Files.createDirectories(cache.resolve("apt"));
    // Leftovers of fetches that were interrupted (each fetch removes its own directory).
    try (Stream<Path> old = Files.list(aptDir)) {
      old.filter(d -> d.toFile().lastModified() < System.currentTimeMillis() - 3 * 3600_000L).forEach(Chaos::deleteQuietly);
    }
    Path tmp = Files.createTempDirectory(aptDir, w.pkg() + ".");
    say("fetching Debian's " + w.pkg() + " package" + (w.min() == null ? "" : " " + w.min() + " or newer") + " from " + mirror.uri()
        + " into .cache/" + w.pkg() + "/ (log: .data/logs/" + logFile.getFileName() + ")");
    append(logFile, "=== " + Instant.now() + " fetching " + w.pkg() + " from " + mirror.uri() + " " + w.suites() + "\n");
    try {
      return fetchInto(tmp, w, mirror, logFile);
    } finally {
      Chaos.deleteQuietly(tmp);
    }
  }

  private Path fetchInto(Path tmp, Wanted w, AptSources.Mirror mirror, Path logFile) throws IOException, InterruptedException {
    for (String d : List.of("lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d", "deb", "x", "out")) {
      Files.createDirectories(tmp.resolve(d));
    }
    Files.writeString(tmp.resolve("status"), "");
    // Everything apt writes or reads about packages is ours: no lock files, no sandbox user, no root; the
    // machine's apt.conf.d (proxies) still applies, its sources, pins and dpkg status do not.
    List<String> opts = new ArrayList<>(List.of("-q",
        "-o", "Dir::Etc::SourceList=" + tmp.resolve("sources.list"), "-o", "Dir::Etc::SourceParts=" + tmp.resolve("sources.list.d"),
        "-o", "Dir::Etc::Preferences=" + tmp.resolve("preferences"), "-o", "Dir::Etc::PreferencesParts=" + tmp.resolve("preferences.d"),
        "-o", "Dir::State::Lists=" + tmp.resolve("lists"), "-o", "Dir::State::status=" + tmp.resolve("status"),
        "-o", "Dir::Cache=" + tmp.resolve("cache"), "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=" + System.getProperty("user.name"),
        "-o", "Acquire::Languages=none", "-o", "Acquire::AllowInsecureRepositories=false",
        "-o", "Acquire::AllowDowngradeToInsecureRepositories=false", "-o", "APT::Get::AllowUnauthenticated=false"));
    List<String> why = new ArrayList<>();
    for (String suite : w.suites()) {
      String s = suite.equals("release") ? mirror.suite() : suite;
      if (!SUITE_NAME.matcher(s).matches()) throw new IOException("not a suite name: " + s);
      Files.writeString(tmp.resolve("sources.list"), "deb [signed-by=" + KEYRING + " target=Packages] " + mirror.uri() + " " + s + " main\n");
      try (Stream<Path> lists = Files.list(tmp.resolve("lists"))) {
        for (Path f : lists.filter(Files::isRegularFile).toList()) Files.delete(f);
      }
      Result update = exec(tmp, logFile, concat("apt-get", opts, "update"));
      boolean hasLists;
      try (Stream<Path> lists = Files.list(tmp.resolve("lists"))) {
        hasLists = lists.anyMatch(f -> f.getFileName().toString().contains("_Packages"));
      }
      // apt-get update exits 0 when an index could not be fetched (a warning): the lists tell.
      if (update.code != 0 || !hasLists) {
        why.add(update.output.matches("(?s).*(NO_PUBKEY|EXPKEYSIG|BADSIG|KEYEXPIRED|not signed|GPG error|[Ss]ignature).*")
            ? s + "'s signature (InRelease) is missing or does not verify with " + KEYRING
            : "apt-get update of " + s + " failed");
        continue;
      }
      Matcher m = Pattern.compile("Candidate:\\s*(\\S+)").matcher(exec(tmp, logFile, concat("apt-cache", opts, "policy", w.pkg())).output);
      if (!m.find() || m.group(1).equals("(none)")) {
        why.add(s + " has no " + w.pkg() + " package");
        continue;
      }
      String candidate = m.group(1);
      String upstream = upstream(candidate);
      if (w.min() != null && compareVersions(upstream, w.min()) < 0) {
        why.add(s + " has " + w.pkg() + " " + upstream + ", older than " + w.min());
        continue;
      }
      Result download = exec(tmp.resolve("deb"), logFile, concat("apt-get", opts, "download", w.pkg() + "=" + candidate));
      if (download.code != 0) throw new IOException("apt-get download " + w.pkg() + "=" + candidate + " (" + s + ") failed; see " + logFile);
      Path deb;
      try (Stream<Path> debs = Files.list(tmp.resolve("deb"))) {
        deb = debs.filter(f -> f.toString().endsWith(".deb")).findFirst().orElseThrow(() -> new IOException("apt-get download left no .deb"));
      }
      if (exec(tmp, logFile, List.of("dpkg-deb", "-x", deb.toString(), tmp.resolve("x").toString())).code != 0) {
        throw new IOException("unpacking " + w.pkg() + " " + candidate + " failed; see " + logFile);
      }
      for (String bin : w.binaries()) {
        Path src = Stream.of("usr/sbin", "usr/bin", "sbin", "bin", "usr/local/bin", "usr/local/sbin").map(d -> tmp.resolve("x").resolve(d).resolve(bin))
            .filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IOException(w.pkg() + " " + candidate + " holds no " + bin + " binary"));
        Path out = tmp.resolve("out").resolve(bin);
        Files.move(src, out);
        out.toFile().setExecutable(true, false);
      }
      Path dest = cache.resolve(w.pkg()).resolve(upstream);
      // A copy of this version already there did not work (a working one would have been used): replace it.
      if (Files.exists(dest)) Chaos.deleteQuietly(dest);
      Files.createDirectories(dest.getParent());
      Files.move(tmp.resolve("out"), dest);
      append(logFile, "--- " + w.pkg() + " " + candidate + " (" + s + ") unpacked into " + dest + "\n");
      return dest;
    }
    throw new IOException(String.join("; ", why));
  }

  /** The upstream part of a Debian version: 1:2.42.0+ds-5+b5 is 2.42.0. */
  static String upstream(String debianVersion) {
    String v = debianVersion.substring(debianVersion.indexOf(':') + 1);
    if (v.contains("-")) v = v.substring(0, v.lastIndexOf('-'));
    return v.split("[+~]")[0];
  }

  /** Dotted versions compared by their numeric parts (missing parts count as 0). */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(number(x, i), number(y, i));
      if (c != 0) return c;
    }
    return 0;
  }

  private static long number(String[] parts, int i) {
    if (i >= parts.length) return 0;
    String digits = parts[i].replaceAll("[^0-9].*", "");
    return digits.isEmpty() ? 0 : Long.parseLong(digits.length() > 15 ? digits.substring(0, 15) : digits);
  }

  record Result(int code, String output) {}

  private static Result exec(Path dir, Path logFile, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "exec", ".out");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new IOException(command.getFirst() + " did not finish within 10 minutes (a mirror that does not answer?)");
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    append(logFile, "--- " + command.getFirst() + " " + command.getLast() + "\n" + text);
    return new Result(p.exitValue(), text);
  }

  private static List<String> concat(String tool, List<String> opts, String... rest) {
    List<String> c = new ArrayList<>();
    c.add(tool);
    c.addAll(opts);
    c.addAll(List.of(rest));
    return c;
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static void say(String line) {
    System.err.println("orderflow: " + line);
  }
}
