/** Built-in learners, tasks and measures, registered through the SPIs like any plugin's. */
package org.torchwork.runtime.builtin;
