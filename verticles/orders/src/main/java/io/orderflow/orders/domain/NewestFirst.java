package io.orderflow.orders.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest entries of a sparse subset of a log, found with a forward-only probe ("the first matching entry at
 * or after sequence s", which the server answers from its subject index). A log can only be read forwards, so
 * the range below the cursor is halved from the top: a half without a match costs one probe, and only a short
 * range is read entry by entry. A page of k costs O(k log n) probes for a log of n, however many matching
 * entries there are below it: a customer's thousandth page costs what the first does.
 */
public final class NewestFirst {
  /** Ranges at most this long (and at least twice the page) are read entry by entry. */
  private static final long SCAN = 32;

  private NewestFirst() {}

  public record Hit<T>(long sequence, T value) {}

  /** The first matching entry at or after a sequence, or null when there is none. */
  @FunctionalInterface
  public interface Probe<T> {
    Hit<T> firstFrom(long sequence) throws Exception;
  }

  /** The newest {@code count} matching entries with a sequence below {@code before}, newest first. */
  public static <T> List<Hit<T>> before(Probe<T> probe, long before, int count) throws Exception {
    List<Hit<T>> found = newest(probe, 1, before, count);
    return found.reversed();
  }

  /** The newest {@code count} matches in [lo, hi), oldest first. */
  private static <T> List<Hit<T>> newest(Probe<T> probe, long lo, long hi, int count) throws Exception {
    if (count <= 0 || lo >= hi) return List.of();
    Hit<T> first = probe.firstFrom(lo);
    if (first == null || first.sequence() >= hi) return List.of();
    lo = first.sequence();
    if (hi - lo <= Math.max(SCAN, 2L * count)) return scan(probe, first, hi, count);
    long mid = lo + (hi - lo) / 2;
    List<Hit<T>> upper = newest(probe, mid, hi, count);
    if (upper.size() >= count) return upper;
    List<Hit<T>> lower = lo == mid ? List.of() : newest(probe, lo, mid, count - upper.size());
    List<Hit<T>> all = new ArrayList<>(lower.size() + upper.size());
    all.addAll(lower);
    all.addAll(upper);
    return all;
  }

  private static <T> List<Hit<T>> scan(Probe<T> probe, Hit<T> first, long hi, int count) throws Exception {
    List<Hit<T>> all = new ArrayList<>();
    for (Hit<T> h = first; h != null && h.sequence() < hi; h = probe.firstFrom(h.sequence() + 1)) all.add(h);
    return all.size() <= count ? all : all.subList(all.size() - count, all.size());
  }
}
