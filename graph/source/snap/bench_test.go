package snap

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph/source"
	"github.com/clout-cli/clout/graph/source/sourcetest"
)

// benchInput returns n lines shaped like twitter_combined.txt: sources sorted
// in runs, ids of 6 to 9 digits.
func benchInput(n, cols int) []byte {
	var b bytes.Buffer
	x := uint64(88172645463325252)
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b.WriteString(strconv.Itoa(100000 + i/20*7919))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(100000+x%900000000, 10))
		switch cols {
		case 3:
			b.WriteString(" " + strconv.FormatUint(1+x%5, 10))
		case 4:
			b.WriteString(" " + strconv.FormatUint(1341100972+x%600000, 10) + " RT")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkImport(b *testing.B) {
	for _, cols := range []int{2, 3, 4} {
		b.Run(strconv.Itoa(cols)+"cols", func(b *testing.B) {
			const lines = 1_000_000
			in := benchInput(lines, cols)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if err := Import(context.Background(), bytes.NewReader(in), source.Options{}, sourcetest.Discard{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
