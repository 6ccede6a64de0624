package engine

import (
	"bytes"
	"crypto/sha256"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// chunkCache keeps compiled chunks by chunk name, valid while the source
// has the same content hash. A FunctionProto is immutable once compiled,
// so states of concurrent runs share it.
type chunkCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cacheEntry
}

type cacheEntry struct {
	sum   [sha256.Size]byte
	proto *lua.FunctionProto
}

func newChunkCache(max int) *chunkCache {
	return &chunkCache{max: max, entries: make(map[string]cacheEntry)}
}

// compile returns the compiled chunk of src named name, from the cache when
// src has not changed since it was compiled.
func (c *chunkCache) compile(name string, src []byte) (*lua.FunctionProto, error) {
	sum := sha256.Sum256(src)
	c.mu.Lock()
	ent, ok := c.entries[name]
	c.mu.Unlock()
	if ok && ent.sum == sum {
		return ent.proto, nil
	}
	proto, err := compile(name, src)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if _, ok := c.entries[name]; !ok && len(c.entries) >= c.max {
		for k := range c.entries { // drop an arbitrary entry
			delete(c.entries, k)
			break
		}
	}
	c.entries[name] = cacheEntry{sum: sum, proto: proto}
	c.mu.Unlock()
	return proto, nil
}

// compile parses and compiles src. Its errors are *lua.ApiError of type
// ApiErrorSyntax, like those of LState.Load.
func compile(name string, src []byte) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(err.Error()), Cause: err}
	}
	return proto, nil
}
