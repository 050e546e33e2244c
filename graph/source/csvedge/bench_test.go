package csvedge

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph/source"
	"github.com/clout-cli/clout/graph/source/sourcetest"
)

// benchInput returns a header and n rows of numeric ids; full adds kind,
// weight and an RFC 3339 time to every row.
func benchInput(n int, full bool) []byte {
	var b bytes.Buffer
	if full {
		b.WriteString("source,target,kind,weight,time\n")
	} else {
		b.WriteString("source,target\n")
	}
	x := uint64(88172645463325252)
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b.WriteString(strconv.Itoa(100000 + i/20*7919))
		b.WriteByte(',')
		b.WriteString(strconv.FormatUint(100000+x%900000000, 10))
		if full {
			b.WriteString(",repost," + strconv.FormatUint(1+x%5, 10) + ",2012-07-0" + strconv.FormatUint(1+x%7, 10) + "T12:00:00Z")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func BenchmarkImport(b *testing.B) {
	for _, full := range []bool{false, true} {
		name := "source,target"
		if full {
			name = "source,target,kind,weight,time"
		}
		b.Run(name, func(b *testing.B) {
			const lines = 1_000_000
			in := benchInput(lines, full)
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
