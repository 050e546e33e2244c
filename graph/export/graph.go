// Package export writes a graph with its node and edge attributes in the
// formats analysts open elsewhere: GEXF 1.3 (Gephi), GraphML (Gephi, yEd,
// igraph, networkx, NodeXL), a pair of CSV tables (the Gephi and NodeXL
// spreadsheet import shape) and Parquet (pandas, DuckDB, Spark).
//
// It only renders what it is given: the caller (clout export) chooses the
// accounts, computes the measures and aggregates the edges. Every writer is
// deterministic: the same Graph gives the same bytes.
package export

import (
	"fmt"
	"math"
	"time"
)

// Type is the type of an attribute column.
type Type uint8

// The attribute types.
const (
	Float Type = iota // float64; NaN means missing
	Int               // int64 held in Float (exact below 2^53); NaN means missing
	String
)

// Attr is one attribute column: one value per node (or per edge).
type Attr struct {
	Name string
	Type Type
	// Num holds Float and Int values, Str the String values.
	Num []float64
	Str []string
}

// Missing reports whether value i is missing (NaN for numbers; strings are
// never missing, "" is a value).
func (a *Attr) Missing(i int) bool { return a.Type != String && math.IsNaN(a.Num[i]) }

// Graph is a directed graph to export. Nodes are numbered 0..len(IDs)-1 and
// written in that order; edges in theirs.
type Graph struct {
	// IDs are the unique node ids written to the file (for example
	// "bluesky:did:plc:…"); Labels what Gephi shows.
	IDs    []string
	Labels []string
	// NodeAttrs are the node attribute columns, in column order.
	NodeAttrs []Attr
	// Src, Dst and Weight describe the edges: Src[i] → Dst[i].
	Src, Dst []int32
	Weight   []float64
	// EdgeAttrs are the edge attribute columns (per-kind counts, ...).
	EdgeAttrs []Attr
	// NodeStart and EdgeStart, when not nil, hold when each node and edge
	// first appeared (zero = unknown); GEXF --dynamic writes them as the
	// start of the element's lifetime so Gephi's timeline plays the graph.
	NodeStart []time.Time
	EdgeStart []time.Time
	// Creator and Description go into the file's metadata where the format
	// has a place for them.
	Creator     string
	Description string
}

// Check reports the first inconsistency in g: columns of the wrong length,
// edges naming nodes that do not exist.
func (g *Graph) Check() error {
	n, m := len(g.IDs), len(g.Src)
	if len(g.Labels) != n {
		return fmt.Errorf("export: %d labels for %d nodes", len(g.Labels), n)
	}
	if len(g.Dst) != m || len(g.Weight) != m {
		return fmt.Errorf("export: edge columns of different lengths (%d, %d, %d)", m, len(g.Dst), len(g.Weight))
	}
	for _, set := range []struct {
		attrs []Attr
		n     int
		what  string
	}{{g.NodeAttrs, n, "node"}, {g.EdgeAttrs, m, "edge"}} {
		for _, a := range set.attrs {
			l := len(a.Num)
			if a.Type == String {
				l = len(a.Str)
			}
			if l != set.n {
				return fmt.Errorf("export: %s attribute %s has %d values for %d %ss", set.what, a.Name, l, set.n, set.what)
			}
		}
	}
	for i := range g.Src {
		if g.Src[i] < 0 || int(g.Src[i]) >= n || g.Dst[i] < 0 || int(g.Dst[i]) >= n {
			return fmt.Errorf("export: edge %d (%d → %d) names a node outside 0..%d", i, g.Src[i], g.Dst[i], n-1)
		}
	}
	if g.NodeStart != nil && len(g.NodeStart) != n || g.EdgeStart != nil && len(g.EdgeStart) != m {
		return fmt.Errorf("export: start times for %d nodes and %d edges, want %d and %d", len(g.NodeStart), len(g.EdgeStart), n, m)
	}
	return nil
}

// numText formats a number attribute value for text formats: integers
// without a fraction, floats with every digit.
func numText(t Type, v float64) string {
	if t == Int {
		return fmt.Sprintf("%d", int64(v))
	}
	return formatFloat(v)
}
