package store

import (
	"fmt"
	"slices"
)

// idCache maps (platform, key) to account id for the platforms a Store has
// written to, so that a bulk import does not query SQLite per edge. A
// platform's map is filled from the database the first time a Tx touches it.
type idCache struct {
	platforms map[string]*keyIndex
}

func newIDCache() idCache { return idCache{platforms: map[string]*keyIndex{}} }

func (t *Tx) platformIDs(platform string) (*keyIndex, error) {
	if m, ok := t.s.ids.platforms[platform]; ok {
		return m, nil
	}
	var n int
	if err := t.conn.QueryRowContext(t.ctx, "SELECT count(*) FROM accounts WHERE platform = ?", platform).Scan(&n); err != nil {
		return nil, fmt.Errorf("database %s: read accounts: %w", t.s.path, err)
	}
	m := newKeyIndex(n)
	rows, err := t.conn.QueryContext(t.ctx, "SELECT key, id FROM accounts WHERE platform = ?", platform)
	if err != nil {
		return nil, fmt.Errorf("database %s: read accounts: %w", t.s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, fmt.Errorf("database %s: read accounts: %w", t.s.path, err)
		}
		m.put(k, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("database %s: read accounts: %w", t.s.path, err)
	}
	t.s.ids.platforms[platform] = m
	return m, nil
}

func sortInt64(s []int64) { slices.Sort(s) }

// radixSort sorts a in place, least significant byte first, skipping the
// bytes that are zero in every element. It is several times faster than a
// comparison sort on the tens of millions of packed edges of a bulk import.
func radixSort(a []uint64) {
	if len(a) < 1<<12 {
		slices.Sort(a)
		return
	}
	var or uint64
	for _, v := range a {
		or |= v
	}
	buf := make([]uint64, len(a))
	src, dst := a, buf
	for shift := uint(0); shift < 64; shift += 8 {
		if (or>>shift)&0xff == 0 {
			continue
		}
		var count [256]int
		for _, v := range src {
			count[(v>>shift)&0xff]++
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, v := range src {
			b := (v >> shift) & 0xff
			dst[count[b]] = v
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}

// radixOrder returns the positions of keys in ascending key order, equal
// keys in their original order (a stable LSD radix sort of (key, position)
// pairs, skipping bytes that are zero in every key).
func radixOrder(keys []uint64) []uint32 {
	type kp struct {
		k uint64
		p uint32
	}
	a := make([]kp, len(keys))
	var or uint64
	for i, k := range keys {
		a[i] = kp{k, uint32(i)}
		or |= k
	}
	b := make([]kp, len(keys))
	for shift := uint(0); shift < 64; shift += 8 {
		if (or>>shift)&0xff == 0 {
			continue
		}
		var count [256]int
		for _, v := range a {
			count[(v.k>>shift)&0xff]++
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, v := range a {
			d := (v.k >> shift) & 0xff
			b[count[d]] = v
			count[d]++
		}
		a, b = b, a
	}
	out := make([]uint32, len(a))
	for i, v := range a {
		out[i] = v.p
	}
	return out
}
