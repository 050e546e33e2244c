package influence_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/clout-cli/clout/influence"
)

type agreementCase struct {
	Name     string     `json:"name"`
	A        []*float64 `json:"a"`
	B        []*float64 `json:"b"`
	K        int        `json:"k"`
	N        int        `json:"n"`
	Spearman *float64   `json:"spearman"`
	Kendall  *float64   `json:"kendall"`
	TopK     *float64   `json:"topk"`
	TopKK    int        `json:"topk_k"`
}

func floats(p []*float64) []float64 {
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = math.NaN()
		if v != nil {
			out[i] = *v
		}
	}
	return out
}

func sameValue(got float64, want *float64, tol float64) bool {
	if want == nil {
		return math.IsNaN(got)
	}
	return math.Abs(got-*want) <= tol
}

// TestAgreementMatchesScipy checks Spearman's ρ, Kendall's τ_b and top-k
// overlap against values computed by scipy.stats (and, in the script, by an
// independent O(n²) computation from the definitions); see
// testdata/agreement/make_fixtures.py.
func TestAgreementMatchesScipy(t *testing.T) {
	raw, err := os.ReadFile("testdata/agreement/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Cases []agreementCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 10 {
		t.Fatalf("only %d fixture cases", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		t.Run(c.Name, func(t *testing.T) {
			a, b := floats(c.A), floats(c.B)
			r := influence.Agree(a, b, c.K)
			if r.N != c.N || !sameValue(r.Spearman, c.Spearman, 1e-12) || !sameValue(r.Kendall, c.Kendall, 1e-12) ||
				!sameValue(r.TopK, c.TopK, 0) || (c.TopK != nil && r.K != c.TopKK) {
				t.Errorf("got ρ %v τ_b %v top-k %v (k %d) n %d; want ρ %v τ_b %v top-k %v (k %d) n %d",
					r.Spearman, r.Kendall, r.TopK, r.K, r.N, ptr(c.Spearman), ptr(c.Kendall), ptr(c.TopK), c.TopKK, c.N)
			}
			if rho, n := influence.Spearman(a, b); n != c.N || !sameValue(rho, c.Spearman, 1e-12) {
				t.Errorf("Spearman = %v (n %d)", rho, n)
			}
			if tau, n := influence.KendallTauB(a, b); n != c.N || !sameValue(tau, c.Kendall, 1e-12) {
				t.Errorf("KendallTauB = %v (n %d)", tau, n)
			}
			// Symmetry: both correlations are symmetric in a and b.
			if s := influence.Agree(b, a, c.K); !sameValue(s.Spearman, c.Spearman, 1e-12) || !sameValue(s.Kendall, c.Kendall, 1e-12) {
				t.Errorf("swapped: ρ %v τ_b %v", s.Spearman, s.Kendall)
			}
		})
	}
}

func ptr(p *float64) any {
	if p == nil {
		return "NaN"
	}
	return *p
}

// naiveTauB is Kendall's τ_b by its O(n²) definition.
func naiveTauB(x, y []float64) float64 {
	var c, d, tx, ty float64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			dx, dy := x[i]-x[j], y[i]-y[j]
			switch {
			case dx == 0 && dy == 0:
				tx++
				ty++
			case dx == 0:
				tx++
			case dy == 0:
				ty++
			case (dx > 0) == (dy > 0):
				c++
			default:
				d++
			}
		}
	}
	n0 := float64(len(x)) * float64(len(x)-1) / 2
	return (c - d) / math.Sqrt((n0-tx)*(n0-ty))
}

// TestKendallKnightMatchesDefinition compares the O(n log n) merge-sort count
// with the O(n²) definition on random data with many ties, at sizes that
// exercise odd merge widths.
func TestKendallKnightMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{2, 3, 7, 64, 65, 333, 1000} {
		for _, levels := range []int{2, 5, 1 << 30} {
			x, y := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = float64(r.IntN(levels))
				y[i] = float64(r.IntN(levels)) + 0.3*x[i]
			}
			got, _ := influence.KendallTauB(x, y)
			want := naiveTauB(x, y)
			if !(math.Abs(got-want) < 1e-12 || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("n %d levels %d: τ_b %v, definition %v", n, levels, got, want)
			}
		}
	}
}

func TestTopKOverlapTieRule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a, b  []float64
		k     int
		want  float64
		wantK int
	}{
		// All tied: top-2 of both is indices {0, 1}.
		{"all tied", []float64{1, 1, 1, 1}, []float64{5, 5, 5, 5}, 2, 1, 2},
		// a's top-2: index 3, then the tie {0, 2} goes to index 0.
		{"tie at the cut", []float64{2, 1, 2, 3}, []float64{0, 0, 9, 8}, 2, 0.5, 2},
		{"NaN dropped before the cut", []float64{math.NaN(), 5, 4}, []float64{9, 1, 2}, 1, 0, 1},
		{"k above n", []float64{1, 2}, []float64{2, 1}, 5, 1, 2},
		{"k zero", []float64{1, 2}, []float64{2, 1}, 0, math.NaN(), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, k := influence.TopKOverlap(tc.a, tc.b, tc.k)
			if k != tc.wantK || !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("top-%d overlap = %v (k %d), want %v (k %d)", tc.k, got, k, tc.want, tc.wantK)
			}
		})
	}
}

func BenchmarkAgree1M(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := make([]float64, 1_000_000), make([]float64, 1_000_000)
	for i := range x {
		x[i] = float64(r.IntN(1000))
		y[i] = x[i] + r.NormFloat64()*100
	}
	for b.Loop() {
		influence.Agree(x, y, 100)
	}
}

// BenchmarkScoresAgree1M is the cost of one pair in `clout compare` on a
// million accounts: the orders are prepared once per measure.
func BenchmarkScoresAgree1M(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := make([]float64, 1_000_000), make([]float64, 1_000_000)
	for i := range x {
		x[i] = float64(r.IntN(1000))
		y[i] = x[i] + r.NormFloat64()*100
	}
	sx, sy := influence.NewScores(x), influence.NewScores(y)
	for b.Loop() {
		sx.Agree(sy, 100)
	}
}

// BenchmarkScoresAgreeCounts1M: a continuous score against a heavy-tailed
// count that is zero for most accounts, the usual pair in compare.
func BenchmarkScoresAgreeCounts1M(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	x, y := make([]float64, 1_000_000), make([]float64, 1_000_000)
	for i := range x {
		x[i] = r.Float64()
		if r.IntN(10) == 0 {
			y[i] = math.Floor(1 / (1 - r.Float64()))
		}
	}
	sx, sy := influence.NewScores(x), influence.NewScores(y)
	for b.Loop() {
		sx.Agree(sy, 100)
	}
}

// Spearman alone gives exactly Agree's ρ, with and without empty values.
func TestSpearmanAloneEqualsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20 {
		a, b := make([]float64, 500), make([]float64, 500)
		for i := range a {
			a[i], b[i] = float64(rng.IntN(40)), a[i]+rng.NormFloat64()*10
			if trial%2 == 1 && rng.IntN(7) == 0 {
				b[i] = math.NaN()
			}
		}
		want := influence.Agree(a, b, 10)
		got, n := influence.Spearman(a, b)
		if got != want.Spearman || n != want.N {
			t.Fatalf("trial %d: Spearman = %v over %d, Agree says %v over %d", trial, got, n, want.Spearman, want.N)
		}
	}
}
