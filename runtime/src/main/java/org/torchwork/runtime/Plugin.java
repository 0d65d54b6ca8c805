package org.torchwork.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the plugins directory — a jar, or a folder of jars — and what became of it.
 *
 * @param path the jar or folder
 * @param status whether it is in use
 * @param version the plugin's version (its main module's, else its manifest's), or "-"
 * @param apiVersion the Torchwork api version it was built against, or "undeclared"
 * @param sha256 the SHA-256 of the jar; for a folder, of its jars' {@code sha256sum} listing
 * @param modules the names of the modules it holds (empty when it could not be read)
 * @param ids the ids it provides, each prefixed by its kind ({@code callback:custom_logger})
 * @param problem what is wrong and what to do, when the status is not {@link Status#LOADED}
 * @param warnings what a loaded plugin's classes may do that users should know of, such as
 *     calling {@code System.exit}
 */
public record Plugin(
    Path path,
    Status status,
    String version,
    String apiVersion,
    String sha256,
    List<String> modules,
    List<String> ids,
    Optional<String> problem,
    List<String> warnings) {

  /**
   * A plugin without warnings.
   *
   * @param path the jar or folder
   * @param status whether it is in use
   * @param version the plugin's version, or "-"
   * @param apiVersion the api version it was built against, or "undeclared"
   * @param sha256 the SHA-256
   * @param modules the names of its modules
   * @param ids the ids it provides
   * @param problem what is wrong, if anything
   */
  public Plugin(Path path, Status status, String version, String apiVersion, String sha256, List<String> modules,
      List<String> ids, Optional<String> problem) {
    this(path, status, version, apiVersion, sha256, modules, ids, problem, List.of());
  }

  /** What became of a plugin. */
  public enum Status {
    /** Loaded; its providers are in use. */
    LOADED,
    /** Loaded, but some of its ids are also provided elsewhere, so those ids cannot be used. */
    CONFLICT,
    /** Not loaded: it is broken (unreadable, unresolvable, failing providers). */
    FAILED,
    /** Not loaded: a safety check refused it (permissions, allow-list, api version). */
    REFUSED
  }

  /**
   * Whether the plugin's providers are in use.
   *
   * @return true for {@link Status#LOADED} and {@link Status#CONFLICT}
   */
  public boolean loaded() {
    return status == Status.LOADED || status == Status.CONFLICT;
  }

  Plugin withConflict(String why) {
    return new Plugin(path, Status.CONFLICT, version, apiVersion, sha256, modules, ids, Optional.of(why), warnings);
  }

  /**
   * This plugin with warnings.
   *
   * @param warnings the warnings
   * @return the plugin
   */
  public Plugin withWarnings(List<String> warnings) {
    return new Plugin(path, status, version, apiVersion, sha256, modules, ids, problem, List.copyOf(warnings));
  }

  /**
   * This plugin with another problem.
   *
   * @param problem the problem
   * @return the plugin
   */
  public Plugin withProblem(String problem) {
    return new Plugin(path, status, version, apiVersion, sha256, modules, ids, Optional.of(problem), warnings);
  }
}
