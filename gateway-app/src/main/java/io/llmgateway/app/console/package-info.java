/**
 * The web console at {@code /console}: its sign-in (OpenID Connect single sign-on, or an admin token), its sessions
 * (kept in PostgreSQL, so every replica serves every session), its security headers and its pages, served from the
 * jar. The console is a client of the admin API: a session authenticates {@code /admin/v1} as a key would, with
 * CSRF protection for changes.
 */
@NullMarked
package io.llmgateway.app.console;

import org.jspecify.annotations.NullMarked;
