package org.torchwork.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What reading a CSV file found, as mlr3's {@code task$col_info} and {@code task$missings()} give
 * it: each column's role, type, missing count and levels or range, why a column was left out, and
 * the rows dropped.
 *
 * @param file how the file is named in messages
 * @param separator the separator used (given or detected)
 * @param decimal the decimal mark
 * @param na the missing-value tokens
 * @param rows the rows read (those dropped not counted)
 * @param dropped the rows dropped because their target was missing
 * @param columns every column, in file order
 */
public record TableReport(String file, char separator, char decimal, List<String> na, long rows, long dropped,
    List<TableReport.Column> columns) {

  /** A column's role. */
  public enum Role {
    /** The target. */
    TARGET,
    /** A feature. */
    FEATURE,
    /** Row ids: never a feature, carried into predictions. */
    ID,
    /** Row weights. */
    WEIGHTS,
    /** Left out: dropped by the user, or not usable as a feature (see the column's note). */
    LEFT_OUT;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One column.
   *
   * @param name its name
   * @param role what it is for
   * @param type its type: numeric, integer, logical, categorical, or, for columns left out,
   *     text, date or empty
   * @param missing how many rows miss its value
   * @param distinct how many distinct values a categorical column has (-1 when not counted, and
   *     for more than the reader keeps)
   * @param levels its first levels (categorical), sorted
   * @param min its least value (numbers), or NaN
   * @param max its greatest value (numbers), or NaN
   * @param note why it was left out, or another remark; empty when none
   */
  public record Column(String name, Role role, String type, long missing, int distinct, List<String> levels, double min,
      double max, String note) {}

  /**
   * The remarks a user should see: each column left out and why, and the rows dropped.
   *
   * @return one sentence each
   */
  public List<String> notes() {
    List<String> notes = new ArrayList<>();
    for (Column c : columns) {
      if (!c.note().isEmpty() && c.role() == Role.LEFT_OUT) {
        notes.add("column '" + c.name() + "' is left out: " + c.note());
      }
    }
    if (dropped > 0) {
      Column target = columns.stream().filter(c -> c.role() == Role.TARGET).findFirst().orElse(null);
      notes.add(dropped + " row(s) with a missing target" + (target == null ? "" : " ('" + target.name() + "')")
          + " are dropped; " + rows + " row(s) remain.");
    }
    return notes;
  }

  /**
   * A column by name.
   *
   * @param name the column's name
   * @return the column
   * @throws IllegalArgumentException when there is none
   */
  public Column column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + name));
  }
}
