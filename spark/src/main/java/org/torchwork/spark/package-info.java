/**
 * Torchwork on Apache Spark: the trials of a tuning as Spark tasks ({@code torchwork tune --spark
 * MASTER}). Optional: its jars go on the class path beside the distribution.
 */
package org.torchwork.spark;
