package io.orderflow.launcher.image;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore: which context paths the builder leaves out. Docker's rules: one pattern a line, '#'
 * comments, '*' and '?' within a path segment, '**' across segments, '!' re-includes, the last matching
 * line wins, and a pattern that matches a directory leaves out everything under it.
 */
record DockerIgnore(List<Rule> rules) {

  record Rule(Pattern pattern, boolean reinclude, String text) {}

  static DockerIgnore parse(String text) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      boolean reinclude = line.startsWith("!");
      String pattern = (reinclude ? line.substring(1) : line).strip().replaceFirst("^/+", "").replaceFirst("/+$", "");
      rules.add(new Rule(Pattern.compile(regex(pattern)), reinclude, line));
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  /** Whether the context path (relative, '/'-separated) is left out of the build context. */
  boolean excludes(String path) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesItselfOrParent(rule.pattern(), path)) excluded = !rule.reinclude();
    }
    return excluded;
  }

  private static boolean matchesItselfOrParent(Pattern pattern, String path) {
    String p = path;
    while (true) {
      if (pattern.matcher(p).matches()) return true;
      int slash = p.lastIndexOf('/');
      if (slash < 0) return false;
      p = p.substring(0, slash);
    }
  }

  private static String regex(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        re.append(slashAfter ? "(?:.*/)?" : ".*");
        i += slashAfter ? 2 : 1;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[') {
        int end = glob.indexOf(']', i);
        if (end < 0) throw new IllegalArgumentException("unclosed '[' in .dockerignore pattern " + glob);
        re.append(glob, i, end + 1);
        i = end;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }
}
