/** {@link org.torchwork.testkit.TestKit}: short real training runs for plugin authors' tests. */
package org.torchwork.testkit;
