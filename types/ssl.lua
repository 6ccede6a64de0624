---@meta ssl
-- mailscript's "ssl" module: Python's ssl contexts for imaplib.IMAP4_SSL.
---@class ssl
---@field CERT_NONE integer
---@field CERT_OPTIONAL integer
---@field CERT_REQUIRED integer
---@field PROTOCOL_TLS integer
---@field PROTOCOL_TLS_CLIENT integer
---@field Purpose {SERVER_AUTH: string, CLIENT_AUTH: string}
---@field TLSVersion {TLSv1: integer, TLSv1_1: integer, TLSv1_2: integer, TLSv1_3: integer, MINIMUM_SUPPORTED: integer, MAXIMUM_SUPPORTED: integer}
local ssl = {}

---An exception class: pcall, then cls:is(err) as Python's except.
---@class ssl.ErrorClass
---@field name string
---@field qualname string
local ErrorClass = {}
---@param err any the error value pcall returned
---@return boolean
function ErrorClass:is(err) end
---A failed TLS handshake, or a certificate or key that does not load
---(an OSError; a file that cannot be read raises OSError itself).
ssl.SSLError = ErrorClass
---A certificate that does not verify (an SSLError and a ValueError).
ssl.SSLCertVerificationError = ErrorClass

---@class ssl.SSLContext
---@field check_hostname boolean
---@field verify_mode integer
---@field minimum_version integer
---@field maximum_version integer
local SSLContext = {}

---A context verifying the server against the system roots (plus cafile,
---capath, cadata) and checking the host name.
---@param purpose? string
---@param opts? {cafile?: string, capath?: string, cadata?: string}
---@return ssl.SSLContext
function ssl.create_default_context(purpose, opts) end
---@param protocol? integer
---@return ssl.SSLContext
function ssl.SSLContext(protocol) end

---@param certfile string
---@param keyfile? string
function SSLContext:load_cert_chain(certfile, keyfile) end
---@param cafile? string
---@param capath? string
---@param cadata? string
function SSLContext:load_verify_locations(cafile, capath, cadata) end
function SSLContext:load_default_certs() end
---@param ciphers string accepted and ignored
function SSLContext:set_ciphers(ciphers) end

return ssl
