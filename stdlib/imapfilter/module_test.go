package imapfilter

import (
	"bytes"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// BenchmarkLayer measures what a new state pays for the functions of the
// Lua layer: "compiled" parses and compiles the seven files in each state
// (the baseline: what Install did before the layer was shared), "shared"
// makes them from the prototypes compiled once per process.
func BenchmarkLayer(b *testing.B) {
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			L := lua.NewState()
			for _, f := range files {
				src, err := luaFiles.ReadFile("lua/" + f + ".lua")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := L.Load(bytes.NewReader(src), f); err != nil {
					b.Fatal(err)
				}
			}
			L.Close()
		}
	})
	b.Run("shared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			L := lua.NewState()
			protos, err := layer()
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range protos {
				L.NewFunctionFromProto(p)
			}
			L.Close()
		}
	})
}
