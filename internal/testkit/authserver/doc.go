// Package authserver is an OAuth 2.0 authorization server for tests,
// running on loopback with net/http/httptest. It implements what mail
// providers do and what a client must cope with:
//
//   - the device authorization grant (RFC 8628) at /device, with
//     authorization_pending until the test approves the user code
//     (Approve), slow_down when asked (SlowDown), access_denied (Deny)
//     and expired_token;
//   - the authorization-code grant at /authorize with PKCE, S256 only
//     (RFC 7636): the code is refused unless the verifier matches. The
//     test plays the browser: it fetches the authorization URL, which
//     redirects at once to the client's loopback redirect URI;
//   - refresh at /token with rotation: each refresh returns a new refresh
//     token and the old one is refused from then on (invalid_grant);
//   - short-lived access tokens (AccessTTL, seconds in tests);
//   - token introspection (RFC 7662) at /introspect, as Dovecot's oauth2
//     passdb asks for it (introspection_mode = post): active, username,
//     exp, scope, client_id.
//
// Revoke drops a user's grants, as a user removing the application's
// access does.
package authserver
