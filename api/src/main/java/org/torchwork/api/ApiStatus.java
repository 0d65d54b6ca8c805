package org.torchwork.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How stable a public type of the api is. Every public type of the api module carries it, and a
 * test guards that.
 *
 * <ul>
 *   <li>{@link Status#STABLE}: changes only compatibly within a major {@link ApiVersion}; plugins
 *       may rely on it.
 *   <li>{@link Status#EXPERIMENTAL}: may change in a minor version; use it knowing that.
 *   <li>{@link Status#INTERNAL}: for Torchwork's own modules; plugins must not use it.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public @interface ApiStatus {

  /** The stability levels. */
  @ApiStatus(value = Status.STABLE, since = "0.1")
  enum Status {
    /** Compatible within a major version. */
    STABLE,
    /** May change in a minor version. */
    EXPERIMENTAL,
    /** Not for plugins. */
    INTERNAL
  }

  /**
   * The type's stability.
   *
   * @return the status
   */
  Status value();

  /**
   * The api version that introduced the type at this status.
   *
   * @return for example {@code "0.1"}
   */
  String since();
}
