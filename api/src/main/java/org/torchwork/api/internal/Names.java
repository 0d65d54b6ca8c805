package org.torchwork.api.internal;

import org.torchwork.api.ApiStatus;
import java.util.Collection;
import java.util.Locale;

/** Helpers for messages about ids: the nearest known id to a misspelled one. Not public API. */
@ApiStatus(value = ApiStatus.Status.INTERNAL, since = "0.1")
public final class Names {
  private Names() {}

  /**
   * The known name closest to {@code wanted}, if it is close enough to be a likely typo.
   *
   * @param wanted the name that was not found
   * @param known the names that exist
   * @return the nearest known name, or {@code null} when none is close
   */
  public static String nearest(String wanted, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = wanted.toLowerCase(Locale.ROOT);
    for (String candidate : known) {
      int d = distance(w, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    if (best == null) {
      return null;
    }
    // A name given without its namespace: lr for opt.lr.
    for (String candidate : known) {
      if (candidate.toLowerCase(Locale.ROOT).endsWith("." + w)) {
        return candidate;
      }
    }
    // A typo changes a few characters of a name, never most of it.
    int allowed = Math.max(2, Math.min(wanted.length(), best.length()) / 3);
    boolean prefix = best.toLowerCase(Locale.ROOT).startsWith(w) && w.length() >= 3;
    return (bestDistance <= allowed && bestDistance < w.length()) || prefix ? best : null;
  }

  /**
   * A sentence fragment suggesting the nearest known name, or an empty string.
   *
   * @param wanted the name that was not found
   * @param known the names that exist
   * @return for example {@code " Did you mean 'history'?"}
   */
  public static String didYouMean(String wanted, Collection<String> known) {
    String nearest = nearest(wanted, known);
    return nearest == null ? "" : " Did you mean '" + nearest + "'?";
  }

  /**
   * The known names as a comma-separated list, or "(none)".
   *
   * @param known the names
   * @return the list
   */
  public static String list(Collection<String> known) {
    return known.isEmpty() ? "(none)" : String.join(", ", known);
  }

  /** Edit distance counting an insertion, deletion, substitution or swap of neighbours as one. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
