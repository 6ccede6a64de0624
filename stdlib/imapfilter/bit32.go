package imapfilter

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// bit32Funcs is Lua 5.2's bit32 library (lbitlib.c), on 32-bit unsigned
// numbers.
var bit32Funcs = map[string]lua.LGFunction{
	"band":  bitFold(func(a, b uint32) uint32 { return a & b }, ^uint32(0)),
	"bor":   bitFold(func(a, b uint32) uint32 { return a | b }, 0),
	"bxor":  bitFold(func(a, b uint32) uint32 { return a ^ b }, 0),
	"btest": bitTest,
	"bnot":  func(L *lua.LState) int { return pushUnsigned(L, ^unsigned(L, 1)) },
	"lshift": func(L *lua.LState) int {
		return pushUnsigned(L, shift(unsigned(L, 1), L.CheckInt(2)))
	},
	"rshift": func(L *lua.LState) int {
		return pushUnsigned(L, shift(unsigned(L, 1), -L.CheckInt(2)))
	},
	"arshift": arshift,
	"lrotate": func(L *lua.LState) int {
		return pushUnsigned(L, rotate(unsigned(L, 1), L.CheckInt(2)))
	},
	"rrotate": func(L *lua.LState) int {
		return pushUnsigned(L, rotate(unsigned(L, 1), -L.CheckInt(2)))
	},
	"extract": extract,
	"replace": replace,
}

// unsigned is luaL_checkunsigned: the number at n modulo 2^32, its
// fraction dropped.
func unsigned(L *lua.LState, n int) uint32 {
	x := float64(L.CheckNumber(n))
	const sup = 1 << 32
	return uint32(x - math.Floor(x/sup)*sup)
}

func pushUnsigned(L *lua.LState, x uint32) int {
	L.Push(lua.LNumber(x))
	return 1
}

func bitFold(op func(a, b uint32) uint32, start uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		r := start
		for i := 1; i <= L.GetTop(); i++ {
			r = op(r, unsigned(L, i))
		}
		return pushUnsigned(L, r)
	}
}

func bitTest(L *lua.LState) int {
	r := ^uint32(0)
	for i := 1; i <= L.GetTop(); i++ {
		r &= unsigned(L, i)
	}
	L.Push(lua.LBool(r != 0))
	return 1
}

// shift shifts x left by n bits, right when n is negative.
func shift(x uint32, n int) uint32 {
	switch {
	case n <= -32 || n >= 32:
		return 0
	case n < 0:
		return x >> -n
	}
	return x << n
}

func rotate(x uint32, n int) uint32 {
	n &= 31
	return x<<n | x>>(32-n)
}

func arshift(L *lua.LState) int {
	x, n := unsigned(L, 1), L.CheckInt(2)
	if n < 0 || x&0x80000000 == 0 {
		return pushUnsigned(L, shift(x, -n))
	}
	if n >= 32 {
		return pushUnsigned(L, ^uint32(0))
	}
	return pushUnsigned(L, x>>n|^(^uint32(0)>>n))
}

// fieldArgs checks the field and width of extract and replace, at
// argument f and f+1.
func fieldArgs(L *lua.LState, f int) (field, width int) {
	field, width = L.CheckInt(f), L.OptInt(f+1, 1)
	if field < 0 {
		L.ArgError(f, "field cannot be negative")
	}
	if width <= 0 {
		L.ArgError(f+1, "width must be positive")
	}
	if field+width > 32 {
		L.RaiseError("trying to access non-existent bits")
	}
	return field, width
}

func mask(width int) uint32 { return ^((^uint32(0) << (width - 1)) << 1) }

func extract(L *lua.LState) int {
	x := unsigned(L, 1)
	field, width := fieldArgs(L, 2)
	return pushUnsigned(L, x>>field&mask(width))
}

func replace(L *lua.LState) int {
	x, v := unsigned(L, 1), unsigned(L, 2)
	field, width := fieldArgs(L, 3)
	m := mask(width)
	return pushUnsigned(L, x&^(m<<field)|(v&m)<<field)
}
