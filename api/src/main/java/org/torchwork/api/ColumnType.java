package org.torchwork.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The type of a task's feature column, as mlr3's {@code task$col_info} gives it. Numeric,
 * integer and logical features hold numbers (a logical one 0 or 1); a categorical feature holds,
 * in each row, the index of its level among {@link Task#levels(int)}. Any feature may hold NaN for
 * a missing value.
 *
 * @since 0.3
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
public enum ColumnType {
  /** Real numbers. */
  NUMERIC("numeric"),
  /** Whole numbers. */
  INTEGER("integer"),
  /** True (1) or false (0). */
  LOGICAL("logical"),
  /** One of a fixed set of text labels, its levels. */
  CATEGORICAL("categorical");

  private final String id;

  ColumnType(String id) {
    this.id = id;
  }

  /**
   * The name users write, e.g. in {@code --types zip=categorical}.
   *
   * @return for example {@code "categorical"}
   */
  public String id() {
    return id;
  }

  /**
   * The type with a name.
   *
   * @param name for example {@code "categorical"}, in any case
   * @return the type
   * @throws TorchworkException naming the types there are
   */
  public static ColumnType of(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (ColumnType t : values()) {
      if (t.id.equals(n)) {
        return t;
      }
    }
    throw new TorchworkException("'" + name + "' is not a column type. The types are "
        + Arrays.stream(values()).map(ColumnType::id).collect(Collectors.joining(", ")) + ".");
  }

  @Override
  public String toString() {
    return id;
  }
}
