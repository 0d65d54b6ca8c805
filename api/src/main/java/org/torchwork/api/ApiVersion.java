package org.torchwork.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the api module, and whether a plugin built against another version can run.
 *
 * <p>A plugin declares the api version it was built against: a modular jar through the version
 * of {@code org.torchwork.api} it was compiled against (javac records it in
 * {@code module-info.class}), a plain jar through the manifest attribute
 * {@value #MANIFEST_ATTRIBUTE}. A plugin built against another major version is refused; another
 * minor version is accepted.
 *
 * @param major the major version
 * @param minor the minor version
 * @param text the full version as written, e.g. {@code 0.1.0-SNAPSHOT}
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public record ApiVersion(int major, int minor, String text) {
  /** The manifest attribute a plain (non-modular) plugin jar declares its api version in. */
  public static final String MANIFEST_ATTRIBUTE = "Torchwork-Api-Version";

  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:[.-].*)?");
  private static final ApiVersion CURRENT = load();

  /**
   * Checks the parts.
   *
   * @param major the major version: plugins must match it
   * @param minor the minor version
   * @param text the version as written, e.g. {@code 0.1.0-SNAPSHOT}
   */
  public ApiVersion {
    Objects.requireNonNull(text, "text");
  }

  /**
   * The version of the api module in use.
   *
   * @return the current version
   */
  public static ApiVersion current() {
    return CURRENT;
  }

  /**
   * Parses a version such as {@code 0.1}, {@code 0.1.0} or {@code 1.2.0-SNAPSHOT}.
   *
   * @param text the version
   * @return the version
   * @throws IllegalArgumentException when it does not start with major.minor
   */
  public static ApiVersion parse(String text) {
    Matcher m = VERSION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a version of the form MAJOR.MINOR[.PATCH]");
    }
    return new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text.trim());
  }

  /**
   * Whether a plugin built against this version can run on {@code runtime}: the majors must
   * match.
   *
   * @param runtime the api version in use
   * @return true when compatible
   */
  public boolean runsOn(ApiVersion runtime) {
    return major == runtime.major;
  }

  private static ApiVersion load() {
    Properties p = new Properties();
    try (InputStream in = ApiVersion.class.getResourceAsStream("api-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("api-version.properties is missing from the api jar; rebuild it.");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(p.getProperty("version"));
  }

  @Override
  public String toString() {
    return text;
  }
}
