// Package refilter rules out, with substring searches, most of the texts a
// regular expression cannot match.
//
// Rules match patterns such as `[Rr]un failed|[Ii]nvitation|[Rr]eview`
// against the subject of every message of a mailbox, and most subjects do
// not match. Go's regexp has no literal prefilter for such patterns: it
// runs its matcher from every position of every subject. A Filter holds
// literals of which every match contains one ("un failed", "nvitation",
// "eview" here); a text that contains none is refused at the cost of a
// substring search, and only the others reach the regular expression.
//
// A Filter never refuses a text the expression matches: where it cannot
// be sure (no literal is required, case folding of non-ASCII text, invalid
// UTF-8) it lets the text through.
package refilter
