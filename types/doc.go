// Package types holds the LuaLS (lua-language-server) annotation files of
// mailscript's Lua API: one "---@meta" file per module, declaring every
// function with its parameters and results, so that editors complete and
// type-check rules. `mailscript types DIR` writes them into a folder; a
// .luarc.json naming that folder in "workspace.library" makes the editor
// use them.
package types
