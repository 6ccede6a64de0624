// Package oauth2 is the Lua module "oauth2": current access tokens of the
// sign-ins kept by "mailscript auth login NAME", for scripts that speak
// imaplib directly (as translated Python scripts do):
//
//	local oauth2 = require("oauth2")
//	local M = imaplib.IMAP4_SSL("imap.gmail.com")
//	local token = oauth2.token("gmail")
//	M:authenticate("XOAUTH2", function()
//	  return "user=me@gmail.com\1auth=Bearer " .. token .. "\1\1"
//	end)
//
// oauth2.token(NAME) refreshes the token when it is about to expire and
// saves a rotated refresh token. A sign-in the provider no longer accepts
// raises an error that says which command signs in again: a mail.Error
// value, as the mail module raises (mail.Error:is(e) is true). Accounts of the
// mail module need none of this: they take oauth2 = "NAME".
package oauth2
