package imapfilter

import (
	"slices"

	lua "github.com/yuin/gopher-lua"
)

// The set operations of results (+ * -) and the UID ranges of searches,
// done in Go: the Lua versions in set.lua and common.lua walk and sort
// tables of thousands of {mailbox, uid} pairs several times per search.
// Each Go function answers nil when a pair is not a (table, number) one,
// and the Lua version then does the work, with its own errors.

// setIndex is what set.lua's index builds: per mailbox the UIDs, and
// the mailboxes in the order they first appear.
type setIndex struct {
	order []lua.LValue
	uids  map[lua.LValue]map[uint64]bool
}

func newSetIndex() *setIndex {
	return &setIndex{uids: map[lua.LValue]map[uint64]bool{}}
}

// add puts the pairs of set into the index; false for a pair that is
// not {table, non-negative integer}.
func (x *setIndex) add(L *lua.LState, set *lua.LTable) bool {
	valid := true
	ok := eachPair(L, set, func(first, second lua.LValue) {
		box, isTable := first.(*lua.LTable)
		n, isNum := second.(lua.LNumber)
		if !isTable || !isNum || n < 0 || float64(n) != float64(uint64(n)) {
			valid = false
			return
		}
		if x.uids[box] == nil {
			x.uids[box] = map[uint64]bool{}
			x.order = append(x.order, box)
		}
		x.uids[box][uint64(n)] = true
	})
	return ok && valid
}

// collect makes the array of pairs: mailbox by mailbox in order, UIDs
// ascending.
func (x *setIndex) collect(L *lua.LState) *lua.LTable {
	total := 0
	for _, b := range x.order {
		total += len(x.uids[b])
	}
	out := L.CreateTable(total, 0)
	for _, b := range x.order {
		uids := make([]uint64, 0, len(x.uids[b]))
		for m := range x.uids[b] {
			uids = append(uids, m)
		}
		slices.Sort(uids)
		for _, m := range uids {
			out.Append(newPair(L, b, lua.LNumber(m)))
		}
	}
	return out
}

// setop(op, a, b) -> pairs | nil: op is "union", "intersection" or
// "difference".
func (c *core) setop(L *lua.LState) int {
	op, a, b := L.CheckString(1), L.CheckTable(2), L.CheckTable(3)
	xa, xb := newSetIndex(), newSetIndex()
	if !xa.add(L, a) {
		L.Push(lua.LNil)
		return 1
	}
	if op == "union" {
		if !xa.add(L, b) {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(xa.collect(L))
		return 1
	}
	if !xb.add(L, b) {
		L.Push(lua.LNil)
		return 1
	}
	for _, box := range xa.order {
		for m := range xa.uids[box] {
			if xb.uids[box][m] != (op == "intersection") {
				delete(xa.uids[box], m)
			}
		}
	}
	L.Push(xa.collect(L))
	return 1
}

// ranges(uids, limit) -> {"1:4", "7", ...} | nil: the sorted UIDs as
// IMAP ranges, at most limit + 1 UIDs per range (common.lua's
// IF.ranges).
func (c *core) ranges(L *lua.LState) int {
	t := L.CheckTable(1)
	limit := float64(L.CheckNumber(2))
	nums := make([]float64, 0, t.Len())
	for i := 1; t.RawGetInt(i) != lua.LNil; i++ {
		n, ok := t.RawGetInt(i).(lua.LNumber)
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		nums = append(nums, float64(n))
	}
	slices.Sort(nums)
	out := L.NewTable()
	str := func(a, z float64) lua.LString {
		if a == z {
			return lua.LString(lua.LNumber(a).String())
		}
		return lua.LString(lua.LNumber(a).String() + ":" + lua.LNumber(z).String())
	}
	var a, z float64
	started := false
	for _, m := range nums {
		switch {
		case !started:
			a, z, started = m, m, true
		case m == z+1 && m-a <= limit:
			z = m
		case m != z:
			out.Append(str(a, z))
			a, z = m, m
		}
	}
	if started {
		out.Append(str(a, z))
	}
	L.Push(out)
	return 1
}

// eachPair calls fn with the first two elements of each element of set,
// as ipairs goes (up to the first nil), and reports true; it stops and
// reports false at an element that is not a table without a metatable
// (whose v[1] and v[2] are its raw fields), and the Lua version then does
// the work, with its own errors.
func eachPair(L *lua.LState, set *lua.LTable, fn func(first, second lua.LValue)) bool {
	for i := 1; ; i++ {
		v := set.RawGetInt(i)
		if v == lua.LNil {
			return true
		}
		t, isTable := v.(*lua.LTable)
		if !isTable || L.GetMetatable(t) != lua.LNil {
			return false
		}
		fn(t.RawGetInt(1), t.RawGetInt(2))
	}
}

// newPair makes the pair {mailbox, uid} of a result.
func newPair(L *lua.LState, mailbox, uid lua.LValue) *lua.LTable {
	pair := L.CreateTable(2, 0)
	pair.RawSetInt(1, mailbox)
	pair.RawSetInt(2, uid)
	return pair
}

// pushOrNil pushes t when ok, else nil (the Lua version's turn).
func pushOrNil(L *lua.LState, t lua.LValue, ok bool) int {
	if !ok {
		t = lua.LNil
	}
	L.Push(t)
	return 1
}

// mailboxes(set) -> {mailbox, ...} | nil: the first elements of the
// pairs of a result, each once, in the order they first appear
// (common.lua's IF.mailboxes).
func (c *core) mailboxes(L *lua.LState) int {
	seen := map[lua.LValue]bool{}
	out := L.NewTable()
	ok := eachPair(L, L.CheckTable(1), func(b, _ lua.LValue) {
		if b != lua.LNil && !seen[b] {
			seen[b] = true
			out.Append(b)
		}
	})
	return pushOrNil(L, out, ok)
}

// uids(mailbox, set) -> {uid, ...} | nil: the second elements of the
// pairs of a result whose first is mailbox (common.lua's IF.uids).
func (c *core) uids(L *lua.LState) int {
	mbox := L.CheckAny(1)
	out := L.NewTable()
	ok := eachPair(L, L.CheckTable(2), func(b, n lua.LValue) {
		if b == mbox && n != lua.LNil {
			out.Append(n)
		}
	})
	return pushOrNil(L, out, ok)
}

// result(mailbox, uids) -> pairs, ascending: the result of a search of
// mailbox, {{mailbox, uid}, ...}, and whether the UIDs are strictly
// ascending, so that the result is already in the order of a set
// operation's.
func (c *core) result(L *lua.LState) int {
	mbox, uids := L.CheckTable(1), L.CheckTable(2)
	n := uids.Len()
	pairs := L.CreateTable(n, 0)
	ascending := true
	var prev lua.LNumber
	for i := 1; i <= n; i++ {
		u, ok := uids.RawGetInt(i).(lua.LNumber)
		if !ok {
			L.ArgError(2, "UIDs expected")
		}
		if i > 1 && u <= prev {
			ascending = false
		}
		prev = u
		pairs.Append(newPair(L, mbox, u))
	}
	L.Push(pairs)
	L.Push(lua.LBool(ascending))
	return 2
}

// remember(set) -> true | nil: tells each mailbox of a result its UIDs
// there, in order, as {uids = {...}} in its field _last (set.lua's
// remember); nil when a pair is not a plain table.
func (c *core) remember(L *lua.LState) int {
	per := map[*lua.LTable]*lua.LTable{}
	var order []*lua.LTable
	ok := eachPair(L, L.CheckTable(1), func(b, n lua.LValue) {
		box, isTable := b.(*lua.LTable)
		if !isTable || box.RawGetString("_type") != lua.LString("mailbox") {
			return
		}
		if per[box] == nil {
			per[box] = L.NewTable()
			order = append(order, box)
		}
		if n != lua.LNil {
			per[box].Append(n)
		}
	})
	if !ok {
		return pushOrNil(L, nil, false)
	}
	for _, box := range order {
		last := L.CreateTable(0, 1)
		last.RawSetString("uids", per[box])
		box.RawSetString("_last", last)
	}
	L.Push(lua.LTrue)
	return 1
}
