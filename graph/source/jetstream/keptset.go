package jetstream

import (
	"context"
	"hash/maphash"
	"math/bits"
)

// PostIndex is what the listener asks of the database about posts already
// kept (the store's posts table). store.Store implements it.
type PostIndex interface {
	// HasPost reports whether post id of platform is stored.
	HasPost(ctx context.Context, platform, id string) (bool, error)
	// EachPostID calls fn with the id of every stored post of platform.
	EachPostID(ctx context.Context, platform string, fn func(id string) error) error
}

// keptSet answers "is this post kept?" for every repost, like, reply and
// quote on the network, thousands a second, with bounded memory:
//
//   - the posts kept recently, in two generations of at most limit URIs each
//     (when the current one is full at a commit it becomes the previous one
//     and the oldest is dropped): most engagement is on recent posts;
//   - a Bloom filter over every kept post, stored or recent (about 10 bits a
//     post, 1% false positives): a post it does not hold is certainly not
//     kept, which answers almost every event of the network without a query;
//   - the database for the rest (the filter's positives that the recent
//     generations do not hold: false positives and older kept posts).
//
// Posts kept since the last commit are in the current generation, never
// dropped before they are committed, so the database is only asked about
// posts it already holds.
type keptSet struct {
	cur, prev map[string]struct{}
	limit     int
	bloom     *bloom
	index     PostIndex
	platform  string
	// lookups counts database queries.
	lookups int64
}

func newKeptSet(limit int, index PostIndex, platform string) *keptSet {
	return &keptSet{cur: map[string]struct{}{}, prev: map[string]struct{}{}, limit: limit,
		bloom: newBloom(1 << 16), index: index, platform: platform}
}

// load fills the filter from the database, sized for what it holds; called
// at start and when the filter is over capacity.
func (k *keptSet) load(ctx context.Context) error {
	if k.index == nil {
		return nil
	}
	var n int
	if err := k.index.EachPostID(ctx, k.platform, func(string) error { n++; return nil }); err != nil {
		return err
	}
	b := newBloom(max(2*(n+len(k.cur)+len(k.prev)), 1<<16))
	if err := k.index.EachPostID(ctx, k.platform, func(id string) error { b.add(id); return nil }); err != nil {
		return err
	}
	for id := range k.cur {
		b.add(id)
	}
	for id := range k.prev {
		b.add(id)
	}
	k.bloom = b
	return nil
}

func (k *keptSet) add(uri string) {
	k.cur[uri] = struct{}{}
	k.bloom.add(uri)
}

// has reports whether uri is a kept post.
func (k *keptSet) has(ctx context.Context, uri string) (bool, error) {
	if uri == "" {
		return false, nil
	}
	if _, ok := k.cur[uri]; ok {
		return true, nil
	}
	if _, ok := k.prev[uri]; ok {
		return true, nil
	}
	if !k.bloom.has(uri) || k.index == nil {
		return false, nil
	}
	k.lookups++
	ok, err := k.index.HasPost(ctx, k.platform, uri)
	if ok && err == nil {
		k.cur[uri] = struct{}{}
	}
	return ok, err
}

// committed is called after each commit: the generations turn over when the
// current one is full, and the filter is rebuilt larger when it holds more
// than it was sized for.
func (k *keptSet) committed(ctx context.Context) error {
	if len(k.cur) >= k.limit {
		k.prev, k.cur = k.cur, make(map[string]struct{}, len(k.cur))
	}
	if k.bloom.n > k.bloom.capacity {
		return k.load(ctx)
	}
	return nil
}

// bloom is a Bloom filter of strings with about 1% false positives up to
// capacity elements (10 bits an element, 7 probes by double hashing).
type bloom struct {
	words       []uint64
	mask        uint64
	seed        maphash.Seed
	n, capacity int
}

func newBloom(capacity int) *bloom {
	nbits := uint64(10 * capacity)
	size := uint64(1) << (64 - bits.LeadingZeros64(nbits-1)) // next power of two
	size = max(size, 64)
	return &bloom{words: make([]uint64, size/64), mask: size - 1, seed: maphash.MakeSeed(), capacity: capacity}
}

func (b *bloom) add(s string) {
	h := maphash.String(b.seed, s)
	h1, h2 := h, h>>32|1
	for i := range uint64(7) {
		bit := (h1 + i*h2) & b.mask
		b.words[bit/64] |= 1 << (bit % 64)
	}
	b.n++
}

func (b *bloom) has(s string) bool {
	h := maphash.String(b.seed, s)
	h1, h2 := h, h>>32|1
	for i := range uint64(7) {
		bit := (h1 + i*h2) & b.mask
		if b.words[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return true
}

// recentSet is a set of strings bounded to two generations of limit
// entries: it remembers at least the last limit added.
type recentSet struct {
	cur, prev map[string]struct{}
	limit     int
}

func newRecentSet(limit int) *recentSet {
	return &recentSet{cur: map[string]struct{}{}, prev: map[string]struct{}{}, limit: limit}
}

// add adds s and reports whether it was new to the set.
func (r *recentSet) add(s string) bool {
	if _, ok := r.cur[s]; ok {
		return false
	}
	_, old := r.prev[s]
	if len(r.cur) >= r.limit {
		r.prev, r.cur = r.cur, make(map[string]struct{}, r.limit)
	}
	r.cur[s] = struct{}{}
	return !old
}

func (r *recentSet) has(s string) bool {
	_, a := r.cur[s]
	_, b := r.prev[s]
	return a || b
}
