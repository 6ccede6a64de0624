package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/stdlib/internal/luabind"

	"github.com/mailscript/mailscript/host"
)

// Name is the module's name for require.
const Name = "state"

// maxDepth bounds the nesting of stored tables.
const maxDepth = 100

// Loader is the module's loader for L.PreloadModule.
func Loader(L *lua.LState) int {
	L.Push(luabind.NewModule(L, map[string]lua.LGFunction{
		"get": get,
		"set": set,
	}, nil))
	return 1
}

func store(L *lua.LState) host.State {
	st := host.Get(L).State
	if st == nil {
		L.RaiseError("state: this run has no state store (the engine was made without one)")
	}
	return st
}

func get(L *lua.LState) int {
	key := L.CheckString(1)
	raw, ok, err := store(L).Get(key)
	if err != nil {
		L.RaiseError("state.get(%q): %v", key, err)
	}
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	v, err := Decode(L, raw)
	if err != nil {
		L.RaiseError("state.get(%q): %v", key, err)
	}
	L.Push(v)
	return 1
}

func set(L *lua.LState) int {
	key := L.CheckString(1)
	v := L.Get(2)
	var raw []byte
	if v != lua.LNil {
		var err error
		if raw, err = Encode(v); err != nil {
			L.ArgError(2, err.Error())
		}
	}
	if err := store(L).Set(key, raw); err != nil {
		L.RaiseError("state.set(%q): %v", key, err)
	}
	return 0
}

// Encode turns a Lua value into the JSON text the store keeps.
func Encode(v lua.LValue) ([]byte, error) {
	g, err := toGo(v, "value", 0, map[*lua.LTable]bool{})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(g); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func toGo(v lua.LValue, path string, depth int, seen map[*lua.LTable]bool) (any, error) {
	switch x := v.(type) {
	case lua.LBool:
		return bool(x), nil
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("state: %s is %v, which cannot be stored", path, f)
		}
		return f, nil
	case lua.LString:
		if !utf8.ValidString(string(x)) {
			return nil, fmt.Errorf("state: %s is not valid UTF-8 text", path)
		}
		return string(x), nil
	case *lua.LTable:
		if depth >= maxDepth {
			return nil, fmt.Errorf("state: %s is nested more than %d deep", path, maxDepth)
		}
		if seen[x] {
			return nil, fmt.Errorf("state: %s refers back to a table that contains it", path)
		}
		seen[x] = true
		defer delete(seen, x)
		return tableToGo(x, path, depth, seen)
	case *lua.LNilType:
		return nil, fmt.Errorf("state: %s is nil", path)
	}
	return nil, fmt.Errorf("state: %s is a %s; only strings, numbers, booleans and tables can be stored", path, v.Type())
}

func tableToGo(t *lua.LTable, path string, depth int, seen map[*lua.LTable]bool) (any, error) {
	n := t.Len()
	count := 0
	strKeys, numKeys := 0, 0
	t.ForEach(func(k, _ lua.LValue) {
		count++
		switch k.(type) {
		case lua.LString:
			strKeys++
		case lua.LNumber:
			numKeys++
		}
	})
	switch {
	case count == 0:
		return map[string]any{}, nil
	case numKeys == count && n == count:
		out := make([]any, n)
		for i := 1; i <= n; i++ {
			g, err := toGo(t.RawGetInt(i), fmt.Sprintf("%s[%d]", path, i), depth+1, seen)
			if err != nil {
				return nil, err
			}
			out[i-1] = g
		}
		return out, nil
	case strKeys == count:
		out := make(map[string]any, count)
		var err error
		t.ForEach(func(k, val lua.LValue) {
			if err != nil {
				return
			}
			var g any
			if g, err = toGo(val, fmt.Sprintf("%s.%s", path, string(k.(lua.LString))), depth+1, seen); err == nil {
				out[string(k.(lua.LString))] = g
			}
		})
		return out, err
	}
	return nil, fmt.Errorf("state: the keys of %s must all be strings, or the table a sequence 1..n", path)
}

// Decode turns a stored JSON text back into a Lua value.
func Decode(L *lua.LState, raw []byte) (lua.LValue, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g any
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("state: stored value is damaged: %w", err)
	}
	return toLua(L, g)
}

func toLua(L *lua.LState, g any) (lua.LValue, error) {
	switch x := g.(type) {
	case nil:
		return lua.LNil, nil
	case bool:
		return lua.LBool(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("state: stored number %s: %w", x, err)
		}
		return lua.LNumber(f), nil
	case string:
		return lua.LString(x), nil
	case []any:
		t := L.CreateTable(len(x), 0)
		for _, e := range x {
			v, err := toLua(L, e)
			if err != nil {
				return nil, err
			}
			t.Append(v)
		}
		return t, nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t := L.CreateTable(0, len(x))
		for _, k := range keys {
			v, err := toLua(L, x[k])
			if err != nil {
				return nil, err
			}
			t.RawSetString(k, v)
		}
		return t, nil
	}
	return nil, fmt.Errorf("state: stored value of unexpected type %T", g)
}
