package io.orderflow.launcher.image;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read the way the builder reads it, as far as the image checks need: stages, and in each its
 * FROM, USER, WORKDIR, EXPOSE, ENTRYPOINT/CMD (exec or shell form), COPY/ADD, LABEL, ENV, ARG and RUN.
 * No Docker here to ask, so this is small on purpose and fails loudly on what it does not understand
 * (another escape character, heredocs) rather than guessing.
 */
record Dockerfile(List<Stage> stages) {

  /** One instruction, its continuation lines joined, with the line it starts on. */
  record Instruction(String keyword, String args, int line) {}

  /** ENTRYPOINT or CMD: exec form is a JSON array; shell form runs through /bin/sh -c. */
  record Command(List<String> argv, boolean execForm) {}

  /** COPY or ADD: the sources (in the context, or in another stage with --from), and the destination. */
  record Copy(String keyword, Optional<String> from, List<String> sources, String destination, int line) {}

  record Stage(String name, String image, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
    }

    /** The user the container runs as: the last USER, as written (with ARG defaults substituted). */
    Optional<String> user() {
      return last("USER").map(i -> substitute(i.args()));
    }

    /** The working directory: WORKDIR lines resolved one against the other, as the builder does. */
    Optional<String> workdir() {
      String dir = null;
      for (Instruction i : all("WORKDIR")) {
        String d = substitute(i.args());
        dir = d.startsWith("/") || dir == null ? d : (dir.endsWith("/") ? dir : dir + "/") + d;
      }
      return Optional.ofNullable(dir);
    }

    /** The exposed ports without their protocol, in order. */
    Set<String> exposedPorts() {
      Set<String> ports = new LinkedHashSet<>();
      for (Instruction i : all("EXPOSE")) {
        for (String p : words(substitute(i.args()))) ports.add(p.replaceFirst("/tcp$", ""));
      }
      return ports;
    }

    Optional<Command> entrypoint() {
      return last("ENTRYPOINT").map(i -> command(i.args()));
    }

    Optional<Command> cmd() {
      return last("CMD").map(i -> command(i.args()));
    }

    List<Copy> copies() {
      List<Copy> out = new ArrayList<>();
      for (Instruction i : instructions) {
        if (!i.keyword().equals("COPY") && !i.keyword().equals("ADD")) continue;
        String rest = i.args();
        Optional<String> from = Optional.empty();
        Matcher flag;
        while ((flag = FLAG.matcher(rest)).lookingAt()) {
          if (flag.group(1).equals("from")) from = Optional.of(flag.group(2));
          rest = rest.substring(flag.end()).stripLeading();
        }
        List<String> parts = rest.startsWith("[") ? jsonArray(rest, i) : words(rest);
        if (parts.size() < 2) throw new IllegalArgumentException("line " + i.line() + ": " + i.keyword() + " needs a source and a destination");
        List<String> resolved = parts.stream().map(this::substitute).toList();
        out.add(new Copy(i.keyword(), from, resolved.subList(0, resolved.size() - 1), resolved.getLast(), i.line()));
      }
      return out;
    }

    Map<String, String> labels() {
      Map<String, String> out = new LinkedHashMap<>();
      all("LABEL").forEach(i -> out.putAll(pairs(i.args())));
      out.replaceAll((k, v) -> substitute(v));
      return out;
    }

    Map<String, String> env() {
      Map<String, String> out = new LinkedHashMap<>();
      for (Instruction i : all("ENV")) {
        // ENV key value (legacy) or ENV key=value ...
        if (i.args().split("\\s+")[0].indexOf('=') < 0) {
          String[] kv = i.args().split("\\s+", 2);
          out.put(kv[0], kv.length > 1 ? kv[1] : "");
        } else {
          out.putAll(pairs(i.args()));
        }
      }
      return out;
    }

    /** ARG defaults of this stage (ARG NAME=default). */
    Map<String, String> argDefaults() {
      Map<String, String> out = new LinkedHashMap<>();
      for (Instruction i : all("ARG")) {
        String a = i.args().trim();
        int eq = a.indexOf('=');
        if (eq > 0) out.put(a.substring(0, eq), unquote(a.substring(eq + 1)));
      }
      return out;
    }

    List<String> runs() {
      return all("RUN").stream().map(Instruction::args).toList();
    }

    /** ${NAME} and $NAME replaced by this stage's ARG defaults (what a build without --build-arg sees). */
    String substitute(String text) {
      Map<String, String> args = argDefaults();
      Matcher m = VARIABLE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1) != null ? m.group(1) : m.group(2);
        m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(name, m.group())));
      }
      return m.appendTail(out).toString();
    }
  }

  private static final Pattern FLAG = Pattern.compile("--([a-z-]+)(?:=(\\S+))?\\s*");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern PAIR = Pattern.compile("([^\\s=]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");
  private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
      "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER");

  static Dockerfile parse(String text) {
    List<Stage> stages = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    List<Instruction> current = null;
    String name = null;
    String image = null;
    StringBuilder pending = null;
    int start = 0;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      String trimmed = line.strip();
      if (pending == null && trimmed.matches("#\\s*escape\\s*=.*")) {
        throw new IllegalArgumentException("line " + (n + 1) + ": another escape character is not supported");
      }
      // Comment lines are dropped, also between continuation lines (as the builder does).
      if (trimmed.startsWith("#") || trimmed.isEmpty()) continue;
      if (pending == null) {
        pending = new StringBuilder();
        start = n + 1;
      }
      boolean continues = trimmed.endsWith("\\");
      pending.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (continues && n < lines.length - 1) continue;
      String whole = pending.toString().strip();
      pending = null;
      if (whole.contains("<<")) throw new IllegalArgumentException("line " + start + ": heredocs are not supported");
      String[] kw = whole.split("\\s+", 2);
      String keyword = kw[0].toUpperCase(Locale.ROOT);
      if (!KEYWORDS.contains(keyword)) throw new IllegalArgumentException("line " + start + ": unknown instruction " + kw[0]);
      String args = kw.length > 1 ? kw[1].strip() : "";
      if (keyword.equals("FROM")) {
        if (current != null) stages.add(new Stage(name, image, List.copyOf(current)));
        List<String> words = words(args).stream().filter(w -> !w.startsWith("--")).toList();
        image = words.getFirst();
        name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
        current = new ArrayList<>();
      } else if (current == null) {
        if (!keyword.equals("ARG")) throw new IllegalArgumentException("line " + start + ": " + keyword + " before the first FROM");
      } else {
        current.add(new Instruction(keyword, args, start));
      }
    }
    if (current != null) stages.add(new Stage(name, image, List.copyOf(current)));
    if (stages.isEmpty()) throw new IllegalArgumentException("no FROM: not a Dockerfile");
    return new Dockerfile(List.copyOf(stages));
  }

  Optional<Stage> stage(String name) {
    return stages.stream().filter(s -> name.equals(s.name())).findFirst();
  }

  /** The stage `docker build` without --target builds: the last one. */
  Stage defaultTarget() {
    return stages.getLast();
  }

  private static Command command(String args) {
    if (args.startsWith("[")) {
      try {
        List<String> argv = new ArrayList<>();
        for (Object o : new JsonArray(args)) {
          if (!(o instanceof String s)) return shell(args);
          argv.add(s);
        }
        return new Command(List.copyOf(argv), true);
      } catch (DecodeException e) {
        // Not valid JSON: the builder then runs it as a shell command, and so do we.
        return shell(args);
      }
    }
    return shell(args);
  }

  private static Command shell(String args) {
    return new Command(List.of("/bin/sh", "-c", args), false);
  }

  private static List<String> jsonArray(String text, Instruction at) {
    try {
      return new JsonArray(text).stream().map(String::valueOf).toList();
    } catch (DecodeException e) {
      throw new IllegalArgumentException("line " + at.line() + ": not a JSON array: " + text, e);
    }
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = PAIR.matcher(text);
    while (m.find()) out.put(unquote(m.group(1)), unquote(m.group(2)));
    return out;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1).replace("\\\"", "\"") : s;
  }
}
