package wire

import "runtime"

type runtimeMem struct{ ms runtime.MemStats }

func (m *runtimeMem) heapAlloc() uint64 {
	runtime.GC()
	runtime.ReadMemStats(&m.ms)
	return m.ms.TotalAlloc
}
