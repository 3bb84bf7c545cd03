package io.orderflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The bench's chart as SVG: end-to-end latency (p50 dashed, p99 solid, log scale) against the offered rate,
 * one colour per target (orderflow, the bare pipeline, orderflow with fsync always), the p99 target as a line.
 */
final class BenchChart {
  private static final int W = 820;
  private static final int H = 480;
  private static final int LEFT = 70;
  private static final int RIGHT = 170;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  private static final double MIN_MS = 1;
  private static final double MAX_MS = 60_000;

  private BenchChart() {}

  static Path write(Path file, List<StepResult> steps, double targetMs) throws IOException {
    Files.writeString(file, svg(steps, targetMs));
    return file;
  }

  static String svg(List<StepResult> steps, double targetMs) {
    // Log scales both ways: orderflow and the bare pipeline differ by an order of magnitude or more.
    double maxRate = Math.pow(10, Math.ceil(Math.log10(steps.stream().mapToDouble(StepResult::rate).max().orElse(10) * 1.05)));
    double minRate = Math.pow(10, Math.floor(Math.log10(Math.max(1, steps.stream().mapToDouble(StepResult::rate).min().orElse(1)))));
    Map<String, List<StepResult>> byTarget = steps.stream()
        .collect(Collectors.groupingBy(StepResult::target, LinkedHashMap::new, Collectors.toList()));
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">End-to-end latency (placed → terminal) against offered rate</text>%n", LEFT));
    for (double ms = MIN_MS; ms <= MAX_MS; ms *= 10) {
      double y = y(ms);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", LEFT, W - RIGHT, y, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms"));
    }
    for (double decade = minRate; decade < maxRate; decade *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double rate = decade * m;
        double x = x(rate, minRate, maxRate);
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>", x, x, TOP, H - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f/s</text>%n", x, H - BOTTOM + 18, rate));
      }
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered rate (orders/s, log scale; ×60 = per minute)</text>%n", (LEFT + W - RIGHT) / 2, H - 10));
    double ty = y(targetMs);
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#f90\" stroke-dasharray=\"2,3\"/>", LEFT, W - RIGHT, ty, ty));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#f90\">p99 target %.0f ms</text>%n", W - RIGHT + 6, ty + 4, targetMs));
    int i = 0;
    for (var e : byTarget.entrySet()) {
      String colour = COLOURS[i % COLOURS.length];
      List<StepResult> pts = e.getValue().stream().sorted(Comparator.comparingDouble(StepResult::rate)).toList();
      s.append(polyline(pts, minRate, maxRate, colour, true)).append(polyline(pts, minRate, maxRate, colour, false));
      for (StepResult r : pts) {
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x(r.rate(), minRate, maxRate), y(r.e2e().p99()),
            r.held() ? colour : "white")).append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" stroke=\"%s\"/>%n",
            x(r.rate(), minRate, maxRate), y(r.e2e().p99()), colour));
      }
      int ly = TOP + 20 + i * 36;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>", W - RIGHT + 6, W - RIGHT + 30, ly, ly, colour));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", W - RIGHT + 34, ly + 4, e.getKey()));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#666\">p99 solid, p50 dashed</text>%n", W - RIGHT + 34, ly + 18));
      i++;
    }
    s.append("<text x=\"").append(LEFT).append("\" y=\"").append(H - BOTTOM + 34)
        .append("\" fill=\"#666\">hollow: the step did not hold (p99 over target or backlog growing)</text>\n");
    return s.append("</svg>\n").toString();
  }

  private static String polyline(List<StepResult> pts, double minRate, double maxRate, String colour, boolean p99) {
    String points = pts.stream().map(r -> String.format(Locale.ROOT, "%.1f,%.1f", x(r.rate(), minRate, maxRate), y(p99 ? r.e2e().p99() : r.e2e().p50())))
        .collect(Collectors.joining(" "));
    return String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n", points, colour,
        p99 ? "2" : "1.5", p99 ? "" : " stroke-dasharray=\"5,4\"");
  }

  private static double x(double rate, double minRate, double maxRate) {
    return LEFT + (W - LEFT - RIGHT) * Math.log10(Math.max(minRate, rate) / minRate) / Math.log10(maxRate / minRate);
  }

  private static double y(double ms) {
    double v = Double.isNaN(ms) ? MIN_MS : Math.max(MIN_MS, Math.min(MAX_MS, ms));
    double f = Math.log10(v / MIN_MS) / Math.log10(MAX_MS / MIN_MS);
    return H - BOTTOM - f * (H - TOP - BOTTOM);
  }
}
