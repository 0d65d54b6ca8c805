/**
 * Plugin discovery: finding providers with {@link java.util.ServiceLoader} on the module path and
 * in the plugins directory, one {@link java.lang.ModuleLayer} per plugin, with the safety checks
 * (permissions, allow-list, api version) and a diagnosis of every plugin that cannot be used.
 * {@link org.torchwork.runtime.Platform} turns what is found here into registries.
 *
 * <p>Internal to the runtime module; not exported.
 */
package org.torchwork.runtime.plugin;
