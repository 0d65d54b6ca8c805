/** Helpers shared by the api and the runtime; not part of the public contract. */
package org.torchwork.api.internal;
