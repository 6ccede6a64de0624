package luacall_test

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/luacall"
)

// A script counts the failures of a helper it calls under pcall.
func ExampleInstall() {
	L := lua.NewState()
	defer L.Close()
	luacall.Install(L)
	err := L.DoString(`
failures = 0
local count = 0
local function try(n)
    if n % 2 == 0 then count = count + 1; error("even") end
end
for n = 1, 6 do pcall(try, n) end
failures = count`)
	fmt.Println(L.GetGlobal("failures"), err)
	// Output: 3 <nil>
}
