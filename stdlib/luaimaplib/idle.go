package luaimaplib

import (
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/imaplib"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
)

// idler is an IDLE in progress seen from Lua.
type idler struct {
	c  *conn
	id *imaplib.Idler
}

const idlerMetaName = "imaplib.Idler"

// newIdlerMeta makes the metatable of idlers: idler:iter(),
// idler:burst(interval), idler:close() (also done()), and a __call so that
// `for typ, data in idler do` works like idler:iter().
func newIdlerMeta(L *lua.LState, mod *module) *lua.LTable {
	return luabind.Register(L, &luabind.Type{
		Name: idlerMetaName,
		Methods: map[string]lua.LGFunction{
			"iter": func(L *lua.LState) int {
				checkIdler(L)
				L.Push(L.NewFunction(mod.idleNext))
				L.Push(L.Get(1))
				L.Push(lua.LNil)
				return 3
			},
			"burst": mod.idleBurst,
			"close": mod.idleClose,
			"done":  mod.idleClose,
		},
		Meta: map[string]lua.LGFunction{"__call": mod.idleNext},
		String: func(_ *lua.LState, ud *lua.LUserData) string {
			i := ud.Value.(*idler)
			state := "closed"
			if i.c.idler == i {
				state = "idling"
			}
			return "<imaplib.Idler " + state + ">"
		},
	})
}

func checkIdler(L *lua.LState) *idler {
	if i, ok := luabind.As[*idler](L.Get(1)); ok {
		return i
	}
	L.RaiseError("imaplib: idler method called without an idler (use idler:method(...))")
	return nil
}

// idleNext is the iterator function: the next pushed response as typ,
// data. At the end (the duration ran out or the connection failed) the
// IDLE is ended with DONE before the loop stops, and a failure is raised.
func (mod *module) idleNext(L *lua.LState) int {
	i := checkIdler(L)
	if i.c.idler != i {
		L.Push(lua.LNil)
		return 1
	}
	i.c.mu.Lock()
	typ, data, ok := i.id.Next()
	i.c.mu.Unlock()
	if ok {
		return mod.push(L, typ, data, nil)
	}
	err := i.id.Err()
	i.c.mu.Lock()
	cerr := i.c.endIdle()
	i.c.mu.Unlock()
	if err == nil {
		err = cerr
	}
	if err != nil {
		mod.raise(L, err)
	}
	L.Push(lua.LNil)
	return 1
}

// idleBurst is burst(interval=0.1): an iterator over the next response
// and those following it within interval. The burst is collected before
// the loop body first runs.
func (mod *module) idleBurst(L *lua.LState) int {
	i := checkIdler(L)
	a := getArgs(L, "burst", 2, []string{"interval"}, false, true)
	interval := imaplib.DefaultBurstInterval
	if f, ok := a.Number(0); ok {
		interval = time.Duration(f * float64(time.Second))
	}
	list := L.NewTable()
	if i.c.idler == i {
		i.c.mu.Lock()
		for typ, data := range i.id.Burst(interval) {
			pair := L.CreateTable(2, 0)
			pair.RawSetInt(1, lua.LString(typ))
			pair.RawSetInt(2, mod.items(L, data))
			list.Append(pair)
		}
		err := i.id.Err()
		i.c.mu.Unlock()
		if err != nil {
			mod.raise(L, err)
		}
	}
	n := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		n++
		p, ok := list.RawGetInt(n).(*lua.LTable)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(p.RawGetInt(1))
		L.Push(p.RawGetInt(2))
		return 2
	}))
	return 1
}

// idleClose ends the IDLE with DONE (Python's leaving the idle context).
func (mod *module) idleClose(L *lua.LState) int {
	i := checkIdler(L)
	if i.c.idler != i {
		return 0
	}
	i.c.mu.Lock()
	err := i.c.endIdle()
	i.c.mu.Unlock()
	if err != nil {
		mod.raise(L, err)
	}
	return 0
}

// endIdle sends DONE for the IDLE in progress, if any. The caller holds
// c.mu.
func (c *conn) endIdle() error {
	if c.idler == nil {
		return nil
	}
	id := c.idler.id
	c.idler = nil
	return id.Close()
}

// idle is idle(duration=None[, fn]). Without fn it returns an idler; with
// fn it calls fn(idler) and ends the IDLE with DONE however fn ends, then
// returns fn's results or raises its error again.
func idleMethod(L *lua.LState, mod *module, c *conn) int {
	var fn *lua.LFunction
	if f, ok := L.Get(L.GetTop()).(*lua.LFunction); ok && L.GetTop() >= 2 {
		fn = f
		L.Remove(L.GetTop())
	}
	a := getArgs(L, "idle", 2, []string{"duration"}, false, true)
	var d time.Duration
	if f, ok := a.Number(0); ok {
		d = time.Duration(f * float64(time.Second))
	}
	id, err := c.m.Idle(d)
	if err != nil {
		mod.raise(L, err)
	}
	i := &idler{c: c, id: id}
	c.idler = i
	ud := L.NewUserData()
	ud.Value = i
	L.SetMetatable(ud, mod.idlerMeta)
	if fn == nil {
		L.Push(ud)
		return 1
	}
	// The callback runs Lua code that uses the idler, whose methods take
	// the lock themselves.
	c.mu.Unlock()
	base := L.GetTop()
	L.Push(fn)
	L.Push(ud)
	perr := L.PCall(1, lua.MultRet, nil)
	c.mu.Lock()
	cerr := c.endIdle()
	if perr != nil {
		luabind.Reraise(L, perr)
	}
	if cerr != nil {
		mod.raise(L, cerr)
	}
	return L.GetTop() - base
}
