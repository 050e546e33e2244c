// Package influence computes clout's influence measures on a graph.Graph:
// PageRank (pagerank.go) and followers and reach (reach.go). Each file states
// its measure's exact definition. Every function is a pure function of the
// graph and its options; none keeps package-level state.
//
// Edges point from the account that gives attention to the account that
// receives it (A → B: A follows B), so influence flows along the arrow and an
// account's audience is upstream, along in-edges.
package influence
