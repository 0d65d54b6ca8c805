/**
 * Data: tasks read from CSV files, and how a task's rows are split for validation.
 *
 * <p>Internal to the runtime module; not exported. Applications read CSV tasks through
 * {@link org.torchwork.runtime.Torchwork#tsk(java.nio.file.Path, String, org.torchwork.api.TaskType)}.
 */
package org.torchwork.data;
