/** Built-in learners, tasks, measures and losses, registered through the SPIs like any plugin's. */
package org.torchwork.runtime.builtin;
