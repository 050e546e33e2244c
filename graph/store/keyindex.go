package store

import (
	"hash/maphash"
	"runtime"

	"github.com/clout-cli/clout/graph/hugemem"
)

// keyIndex maps the account keys of one platform to account ids. A bulk
// import looks up two keys per edge, tens of millions of times, in a table of
// millions of keys, so the cost is cache misses: this open-addressing table
// keeps keys of up to 16 bytes inside the slot (one miss per lookup instead of
// the two or three of a map[string]int64) and holds no Go pointers, so the
// garbage collector never scans it; its slots live on huge pages where
// the kernel allows (graph/hugemem).
type keyIndex struct {
	seed  maphash.Seed
	slots []keySlot       // power-of-two length, at most half full
	mem   *hugemem.Memory // keeps slots mapped
	arena []byte          // keys longer than inlineKey
	n     int
}

const inlineKey = 16

type keySlot struct {
	hash uint64
	id   int64 // 0: empty (account ids start at 1)
	klen uint32
	off  uint32 // into arena, when klen > inlineKey
	key  [inlineKey]byte
}

func newKeyIndex(sizeHint int) *keyIndex {
	n := 1024
	for n < 2*sizeHint {
		n *= 2
	}
	x := &keyIndex{seed: maphash.MakeSeed()}
	x.slots, x.mem = hugemem.Slice[keySlot](n)
	return x
}

func (x *keyIndex) equal(s *keySlot, key string) bool {
	if int(s.klen) != len(key) {
		return false
	}
	if s.klen <= inlineKey {
		return string(s.key[:s.klen]) == key
	}
	return string(x.arena[s.off:s.off+s.klen]) == key
}

// get returns the id of key, or 0.
func (x *keyIndex) get(key string) int64 {
	h := maphash.String(x.seed, key)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.id == 0 {
			return 0
		}
		if s.hash == h && x.equal(s, key) {
			return s.id
		}
	}
}

// put adds key with id; key must not be present.
func (x *keyIndex) put(key string, id int64) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	h := maphash.String(x.seed, key)
	s := keySlot{hash: h, id: id, klen: uint32(len(key))}
	if len(key) <= inlineKey {
		copy(s.key[:], key)
	} else {
		s.off = uint32(len(x.arena))
		x.arena = append(x.arena, key...)
	}
	x.insert(s)
	x.n++
}

func (x *keyIndex) insert(s keySlot) {
	mask := uint64(len(x.slots) - 1)
	for i := s.hash & mask; ; i = (i + 1) & mask {
		if x.slots[i].id == 0 {
			x.slots[i] = s
			return
		}
	}
}

func (x *keyIndex) grow() {
	old, oldMem := x.slots, x.mem
	x.slots, x.mem = hugemem.Slice[keySlot](2 * len(old))
	// old lives in memory oldMem unmaps once unreachable, which the garbage
	// collector cannot see through the slice: keep it alive while copying.
	defer runtime.KeepAlive(oldMem)
	for i := range old {
		if old[i].id != 0 {
			x.insert(old[i])
		}
	}
}
