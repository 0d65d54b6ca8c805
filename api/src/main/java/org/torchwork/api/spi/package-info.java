/**
 * Service-provider interfaces: implement one, declare it with {@code provides} in
 * {@code module-info.java} (and in {@code META-INF/services} for the class path), and the
 * runtime finds it on the module path or in the plugins directory.
 */
package org.torchwork.api.spi;
