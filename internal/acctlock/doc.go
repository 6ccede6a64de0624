// Package acctlock serialises the work of rules on one account.
//
// A Table holds one lock per key (an account: "user@host:port"). Each
// run of a rule gets a Holder, carried in the context of the run's
// connections (NewContext). The mail module calls Acquire with that
// context before every command of a rule's account, so that the first
// command of a main chunk or a callback takes the account's lock and
// keeps it until the engine calls ReleaseAll at the end of the chunk or
// callback: two rules never interleave their commands on one account.
//
// A holder that already holds some locks and needs another that is busy
// gives back what it holds and takes them all again in key order, so
// that two rules working on two accounts each cannot deadlock; its hold
// on the first account is then interrupted once, which is logged by the
// caller. Without a holder in the context Acquire does nothing (a plain
// "mailscript run").
package acctlock
