// Package emailcorpus writes the test corpus of the email module: a few
// hundred messages shaped like real mail (MIME structures, folded headers,
// encoded words in many charsets, RFC 2231 names) and broken like real mail
// (missing boundaries, bad base64, 8-bit headers, ...).
//
// It is deterministic: the same call writes the same bytes. The corpus is
// committed under stdlib/email/testdata/corpus; a test there regenerates it
// into a temporary folder and fails when the two differ, and
//
//	go test ./stdlib/email -run TestCorpusIsGenerated -update-corpus
//
// rewrites it after a change here.
package emailcorpus
