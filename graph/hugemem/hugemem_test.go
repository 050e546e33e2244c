package hugemem

import (
	"runtime"
	"testing"
)

func TestSlice(t *testing.T) {
	for _, n := range []int{0, 10, 1 << 20} {
		s, owner := Slice[float64](n)
		if len(s) != n {
			t.Fatalf("len %d, want %d", len(s), n)
		}
		for i := range s {
			if s[i] != 0 {
				t.Fatal("not zeroed")
			}
			s[i] = float64(i)
		}
		if n > 0 && s[n-1] != float64(n-1) {
			t.Fatal("write lost")
		}
		runtime.KeepAlive(owner)
	}
	runtime.GC() // cleanups of the mappings above run without faults
}
