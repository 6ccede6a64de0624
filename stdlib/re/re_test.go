package re_test

import (
	"errors"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/mailscript/mailscript/internal/testkit/luatest"
	"github.com/mailscript/mailscript/stdlib/internal/luabind"
	"github.com/mailscript/mailscript/stdlib/re"
)

func TestLua(t *testing.T) {
	luatest.Run(t, "testdata/re_test.lua", func(L *lua.LState) {
		L.PreloadModule(re.Name, re.Loader)
		L.SetGlobal("json_null", luabind.Null(L))
	})
}

func TestCompileCache(t *testing.T) {
	re.Purge()
	a, err := re.Compile(`\d+`, re.IGNORECASE)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := re.Compile(`\d+`, re.IGNORECASE)
	c, _ := re.Compile(`\d+`, 0)
	if a != b {
		t.Error("the same pattern and flags were compiled twice")
	}
	if a == c {
		t.Error("different flags share a cache entry")
	}
	// The cache is shared between states: concurrent use must be safe.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				if _, err := re.Compile(`x{`+string(rune('0'+i))+`}`+string(rune('a'+j%26)), 0); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if _, err := re.Compile(`(a)\1`, 0); err == nil || errors.Is(err, re.ErrSyntax) {
		t.Errorf("backreference: err = %v, want a specific error", err)
	}
	if _, err := re.Compile(`(`, 0); !errors.Is(err, re.ErrSyntax) {
		t.Errorf("syntax error %v does not wrap ErrSyntax", err)
	}
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{`\d+`, `(?P<a>x)|[]a]`, `a{,3}\Z`, `(a)\1`, `[\]`, `(?=x)`} {
		f.Add(s, "some subject 123")
	}
	f.Fuzz(func(t *testing.T, pattern, subject string) {
		p, err := re.Compile(pattern, re.MULTILINE)
		if err != nil {
			return
		}
		if m := p.RE.FindStringSubmatchIndex(subject); m != nil {
			p.Expand(`\g<0>\1`, subject, m)
		}
	})
}
