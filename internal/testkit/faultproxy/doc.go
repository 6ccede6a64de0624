// Package faultproxy is a TCP proxy for tests that injects network faults
// between an IMAP client and a server.
//
// New listens on 127.0.0.1 and forwards every accepted connection to the
// target. Rules, added with Add before or during a session, pick a point in
// a connection's byte stream and do something there:
//
//   - Cut closes both sides of the connection, as a dropped network would.
//   - Stall stops forwarding in one direction, keeping the sockets open,
//     until the fault is released (Fault.Release, Proxy.ReleaseAll).
//   - Slow forwards at a limited rate (bytes per second, or chunks with a
//     delay between them).
//   - Corrupt flips or replaces bytes.
//
// The point is a byte offset in either direction, or an IMAP command the
// client sends (by name, such as "APPEND" or "UID EXPUNGE", or by a pattern
// over the line), counted per connection: before the command reaches the
// server, after it has been forwarded (the server acts on it but its answer
// never reaches the client), halfway through the literal it announces (an
// APPEND whose message is half sent), or after the server's tagged response
// to it.
//
// The proxy follows the IMAP framing of plaintext sessions (lines and
// literals in both directions) to find commands and tagged responses, and
// counts commands and bytes (Stats) so that tests can assert how many
// commands a client sends. Command and response rules do not apply to TLS
// sessions, whose bytes are opaque; offset rules do.
//
// Tests wait for faults without sleeping: Fault.Fired is closed when a rule
// first fires, and Events and Cuts deliver what happens in order.
package faultproxy
