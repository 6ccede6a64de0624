---@meta oauth2
-- mailscript's "oauth2" module: access tokens of the sign-ins made with
-- "mailscript auth login NAME", for scripts that log in with imaplib
-- themselves. mail.account takes oauth2 = "NAME" instead.

---@class oauth2
local oauth2 = {}

---A current access token of the sign-in name, refreshed when it is about
---to expire (a rotated refresh token is saved first). Raises a mail.Error
---value (mail.Error:is(e); tostring(e) is the message) that names the
---command to run when the provider no longer accepts the sign-in.
---@param name string
---@return string
function oauth2.token(name) end

return oauth2
