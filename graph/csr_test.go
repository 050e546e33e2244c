package graph_test

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/synth"
)

// naive is an independent map-based reference for NewGraph's merging rules.
type naive struct {
	out, in []map[uint32]float64
}

func newNaive(n int, src, dst []uint32, w []float32) naive {
	r := naive{out: make([]map[uint32]float64, n), in: make([]map[uint32]float64, n)}
	for i := range n {
		r.out[i] = map[uint32]float64{}
		r.in[i] = map[uint32]float64{}
	}
	for i, u := range src {
		v := dst[i]
		if u == v {
			continue
		}
		x := 1.0
		if w != nil {
			r.out[u][v] += float64(w[i])
			r.in[v][u] += float64(w[i])
			continue
		}
		r.out[u][v] = x
		r.in[v][u] = x
	}
	return r
}

func checkAgainstNaive(t *testing.T, g *graph.Graph, n int, src, dst []uint32, w []float32) {
	t.Helper()
	ref := newNaive(n, src, dst, w)
	if g.N() != n {
		t.Fatalf("N() = %d, want %d", g.N(), n)
	}
	if g.Weighted() != (w != nil) {
		t.Fatalf("Weighted() = %v, want %v", g.Weighted(), w != nil)
	}
	m := 0
	for u := range n {
		m += len(ref.out[u])
	}
	if g.M() != m {
		t.Fatalf("M() = %d, want %d", g.M(), m)
	}
	check := func(dir string, u uint32, nbrs []uint32, ws []float32, want map[uint32]float64) {
		t.Helper()
		if len(nbrs) != len(want) {
			t.Fatalf("%s(%d) has %d neighbours, want %d", dir, u, len(nbrs), len(want))
		}
		if !slices.IsSorted(nbrs) {
			t.Fatalf("%s(%d) = %v, not sorted", dir, u, nbrs)
		}
		if (ws == nil) != (w == nil) || (ws != nil && len(ws) != len(nbrs)) {
			t.Fatalf("%s(%d) weights %v, neighbours %v", dir, u, ws, nbrs)
		}
		for i, v := range nbrs {
			x, ok := want[v]
			if !ok {
				t.Fatalf("%s(%d) has unexpected neighbour %d", dir, u, v)
			}
			if ws != nil && float64(ws[i]) != float64(float32(x)) {
				t.Fatalf("%s(%d) weight to %d = %v, want %v", dir, u, v, ws[i], float32(x))
			}
		}
	}
	for u := range uint32(n) {
		nbrs, ws := g.Out(u)
		check("Out", u, nbrs, ws, ref.out[u])
		nbrs, ws = g.In(u)
		check("In", u, nbrs, ws, ref.in[u])
		if g.OutDegree(u) != len(ref.out[u]) || g.InDegree(u) != len(ref.in[u]) {
			t.Fatalf("degrees of %d = %d/%d, want %d/%d", u, g.OutDegree(u), g.InDegree(u), len(ref.out[u]), len(ref.in[u]))
		}
		var ow float64
		for _, x := range ref.out[u] {
			ow += float64(float32(x))
		}
		if got := g.OutWeight(u); math.Abs(got-ow) > 1e-9*max(1, ow) {
			t.Fatalf("OutWeight(%d) = %v, want %v", u, got, ow)
		}
	}
}

func TestNewGraph(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		src, dst []uint32
		w        []float32
		m        int
	}{
		{name: "empty", n: 0, m: 0},
		{name: "isolated", n: 3, m: 0},
		{name: "path", n: 3, src: []uint32{0, 1}, dst: []uint32{1, 2}, m: 2},
		{name: "self-loops dropped", n: 2, src: []uint32{0, 1, 0}, dst: []uint32{0, 1, 1}, m: 1},
		{name: "repeats merged unweighted", n: 3, src: []uint32{2, 0, 2, 2}, dst: []uint32{0, 1, 0, 0}, m: 2},
		{name: "repeats summed weighted", n: 3, src: []uint32{2, 0, 2, 2}, dst: []uint32{0, 1, 0, 1}, w: []float32{1, 2, 0.5, 0}, m: 3},
		{name: "unsorted", n: 4, src: []uint32{3, 0, 3, 1, 3}, dst: []uint32{2, 3, 0, 3, 1}, m: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := graph.NewGraph(tt.n, tt.src, tt.dst, tt.w)
			if err != nil {
				t.Fatal(err)
			}
			if g.M() != tt.m {
				t.Errorf("M() = %d, want %d", g.M(), tt.m)
			}
			checkAgainstNaive(t, g, tt.n, tt.src, tt.dst, tt.w)
		})
	}
}

func TestNewGraphMergedWeight(t *testing.T) {
	g, err := graph.NewGraph(2, []uint32{0, 0, 0}, []uint32{1, 1, 1}, []float32{1.5, 2, 0.25})
	if err != nil {
		t.Fatal(err)
	}
	_, w := g.Out(0)
	if len(w) != 1 || w[0] != 3.75 {
		t.Fatalf("merged weight %v, want [3.75]", w)
	}
	_, w = g.In(1)
	if len(w) != 1 || w[0] != 3.75 {
		t.Fatalf("merged in-weight %v, want [3.75]", w)
	}
}

func TestNewGraphErrors(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name     string
		n        int
		src, dst []uint32
		w        []float32
	}{
		{name: "negative n", n: -1},
		{name: "too many nodes", n: 1 << 32},
		{name: "length mismatch", n: 2, src: []uint32{0}, dst: []uint32{}},
		{name: "weight length", n: 2, src: []uint32{0}, dst: []uint32{1}, w: []float32{}},
		{name: "source out of range", n: 2, src: []uint32{2}, dst: []uint32{1}},
		{name: "target out of range", n: 2, src: []uint32{0}, dst: []uint32{7}},
		{name: "negative weight", n: 2, src: []uint32{0}, dst: []uint32{1}, w: []float32{-1}},
		{name: "NaN weight", n: 2, src: []uint32{0}, dst: []uint32{1}, w: []float32{nan}},
		{name: "Inf weight", n: 2, src: []uint32{0}, dst: []uint32{1}, w: []float32{inf}},
		{name: "merged overflow", n: 2, src: []uint32{0, 0}, dst: []uint32{1, 1}, w: []float32{math.MaxFloat32, math.MaxFloat32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g, err := graph.NewGraph(tt.n, tt.src, tt.dst, tt.w); err == nil {
				t.Fatalf("NewGraph succeeded with %d nodes and %d edges, want an error", g.N(), g.M())
			}
		})
	}
}

func TestNewGraphRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(30)
		m := rng.IntN(4 * n * n / 3)
		src := make([]uint32, m)
		dst := make([]uint32, m)
		var w []float32
		if trial%2 == 1 {
			w = make([]float32, m)
		}
		for i := range m {
			src[i] = uint32(rng.IntN(n))
			dst[i] = uint32(rng.IntN(n))
			if w != nil {
				w[i] = float32(rng.IntN(8)) / 4 // exact in float32, so sums are exact
			}
		}
		src0, dst0 := slices.Clone(src), slices.Clone(dst)
		g, err := graph.NewGraph(n, src, dst, w)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(src, src0) || !slices.Equal(dst, dst0) {
			t.Fatal("NewGraph modified its input")
		}
		checkAgainstNaive(t, g, n, src, dst, w)
	}
}

// FuzzNewGraph decodes bytes into a node count and weighted edges; NewGraph
// must either reject them or agree with the map-based reference.
func FuzzNewGraph(f *testing.F) {
	f.Add([]byte{3, 0, 1, 5, 1, 2, 0, 2, 2, 1})
	f.Add([]byte{2, 0, 1, 0, 0, 1, 0, 1, 1, 255})
	f.Add([]byte{0})
	f.Add([]byte{1, 0, 0, 0, 9, 9, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		n := int(data[0] % 40)
		weighted := data[0]&0x80 != 0
		var src, dst []uint32
		var w []float32
		if weighted {
			w = []float32{}
		}
		for b := data[1:]; len(b) >= 3; b = b[3:] {
			src = append(src, uint32(b[0]%42))
			dst = append(dst, uint32(b[1]%42))
			if weighted {
				w = append(w, float32(int8(b[2]))/8)
			}
		}
		if len(data) >= 9 && data[1] == 0xff && weighted && len(w) > 0 {
			w[0] = math.Float32frombits(binary.LittleEndian.Uint32(data[len(data)-4:]))
		}
		g, err := graph.NewGraph(n, src, dst, w)
		if err != nil {
			return
		}
		for i := range src {
			if int(src[i]) >= n || int(dst[i]) >= n {
				t.Fatalf("accepted out-of-range edge %d → %d with n=%d", src[i], dst[i], n)
			}
			if w != nil && !(w[i] >= 0 && w[i] <= math.MaxFloat32) {
				t.Fatalf("accepted weight %v", w[i])
			}
		}
		checkAgainstNaive(t, g, n, src, dst, w)
	})
}

func BenchmarkNewGraph(b *testing.B) {
	for _, bm := range []struct {
		name         string
		nodes, edges int
	}{
		{"1M-10M", 1_000_000, 10_000_000},
	} {
		src, dst, err := synth.Edges(synth.Options{Nodes: bm.nodes, Edges: bm.edges, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bm.name, func(b *testing.B) {
			var g *graph.Graph
			for b.Loop() {
				g, err = graph.NewGraph(bm.nodes, src, dst, nil)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bm.edges), "ns/edge")
			b.ReportMetric(float64(g.M()), "edges-merged")
		})
		w := make([]float32, len(src))
		for i := range w {
			w[i] = float32(1 + i%3)
		}
		b.Run(bm.name+"-weighted", func(b *testing.B) {
			for b.Loop() {
				if _, err := graph.NewGraph(bm.nodes, src, dst, w); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bm.edges), "ns/edge")
		})
	}
}

// TestNewGraphParts covers the multi-part build (large enough inputs are split
// across goroutines): it must agree with the reference and not depend on
// GOMAXPROCS.
func TestNewGraphParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, m = 3000, 1 << 17
	src := make([]uint32, m)
	dst := make([]uint32, m)
	w := make([]float32, m)
	for i := range m {
		src[i] = uint32(rng.IntN(n))
		dst[i] = uint32(rng.IntN(n / 10)) // dense targets: many repeats
		w[i] = float32(rng.IntN(16)) / 8
	}
	var first *graph.Graph
	for _, procs := range []int{1, 2, 3, 8} {
		prev := runtime.GOMAXPROCS(procs)
		g, err := graph.NewGraph(n, src, dst, w)
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = g
			checkAgainstNaive(t, g, n, src, dst, w)
			continue
		}
		for _, pair := range [][2]func() ([]uint32, []uint32, []float32){
			{first.OutCSR, g.OutCSR}, {first.InCSR, g.InCSR},
		} {
			o1, i1, w1 := pair[0]()
			o2, i2, w2 := pair[1]()
			if !slices.Equal(o1, o2) || !slices.Equal(i1, i2) || !slices.Equal(w1, w2) {
				t.Fatalf("GOMAXPROCS=%d builds a different graph", procs)
			}
		}
	}
}
