// Package oauth2 signs mail accounts in with OAuth 2.0 and keeps their
// tokens fresh: provider presets (Google, Microsoft, generic), the device
// authorization grant (RFC 8628) and the authorization-code grant with PKCE
// on a loopback redirect (RFC 7636, RFC 8252), a token store in the state
// folder, and a token source that refreshes access tokens ahead of expiry
// and saves rotated refresh tokens. It is built on golang.org/x/oauth2.
//
// It sits below the mail module in the dependency graph
// (cmd -> engine -> stdlib/mail -> oauth2): the IMAP and SMTP logins of an
// account that says oauth2 = "NAME" ask a Source for a fresh access token;
// the CLI's "mailscript auth" commands drive the sign-in flows and write the
// store. The package knows nothing of Lua or IMAP.
//
// # The store
//
// A Store is a folder (the state folder's "oauth2" subfolder for the CLI)
// with one file per sign-in name, NAME.json, mode 0600. Every write goes to
// a temporary file in the same folder, is synced, renamed over the old file,
// and the folder is synced: a crash leaves the old file or the new one,
// never a mix. A refresh that returns a new refresh token (rotation) is
// saved before the new access token is handed out, so the file always holds
// the refresh token the provider will accept next. Refreshes of one name
// are serialised across processes with a lock file (NAME.lock).
//
// The metadata (provider, endpoints, scopes, client ID, expiry of the access
// token, when the refresh token was last used) is plain JSON; the secrets
// (access token, refresh token, client secret) are kept in a separate
// object which, when the passphrase in MAILSCRIPT_TOKEN_KEY is set, is
// sealed with AES-256-GCM under a key derived from the passphrase with
// PBKDF2-SHA256 and a random salt per file.
//
// # Errors
//
// A refresh refused with invalid_grant (the grant was revoked, or the
// refresh token expired or was already used) is a *SignInError, matched by
// errors.Is(err, ErrSignIn): the user must sign in again with
// "mailscript auth login NAME". A Source remembers it and does not ask the
// provider again until the store file changes. Errors never contain tokens.
package oauth2
