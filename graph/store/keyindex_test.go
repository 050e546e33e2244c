package store

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestKeyIndex(t *testing.T) {
	x := newKeyIndex(0)
	want := map[string]int64{}
	for i := range 50_000 {
		k := "u" + strconv.Itoa(i)
		if i%7 == 0 { // keys past the inline size live in the arena
			k = "did:plc:" + strings.Repeat("x", i%40) + strconv.Itoa(i)
		}
		if i%11 == 0 {
			k = "" + strconv.Itoa(i) // short, digits only
		}
		if x.get(k) != 0 {
			continue
		}
		want[k] = int64(i + 1)
		x.put(k, int64(i+1))
	}
	for k, id := range want {
		if got := x.get(k); got != id {
			t.Fatalf("get(%q) = %d, want %d", k, got, id)
		}
	}
	for _, k := range []string{"nope", "u", "did:plc:" + strings.Repeat("y", 30), "u50001"} {
		if got := x.get(k); got != 0 {
			t.Errorf("get(%q) = %d for a missing key", k, got)
		}
	}
	if x.n != len(want) || 2*x.n > len(x.slots) {
		t.Errorf("n = %d, slots = %d", x.n, len(x.slots))
	}
}

// TestKeyIndexGrowUnderGC grows a table through sizes that live outside the
// Go heap while the garbage collector runs all the time: the old slots must
// stay mapped until they are copied.
func TestKeyIndexGrowUnderGC(t *testing.T) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	x := newKeyIndex(0)
	const n = 400_000 // slots grow past hugemem's mmap threshold several times
	for i := range n {
		x.put("k"+strconv.Itoa(i), int64(i+1))
	}
	close(stop)
	<-done
	for i := 0; i < n; i += 997 {
		if got := x.get("k" + strconv.Itoa(i)); got != int64(i+1) {
			t.Fatalf("get(k%d) = %d", i, got)
		}
	}
}

func TestRadixOrderIsStable(t *testing.T) {
	keys := []uint64{5 << 32, 3, 5 << 32, 0, 3, 1 << 40, 3}
	got := radixOrder(keys)
	want := []uint32{3, 1, 4, 6, 0, 2, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("radixOrder = %v, want %v", got, want)
		}
	}
}
