package store

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/clout-cli/clout/graph"
)

func followEdges(t *testing.T, s *Store) []string {
	t.Helper()
	l, err := s.LoadGraph(context.Background(), Layer{Weights: map[graph.Kind]float64{graph.Follow: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for u := range uint32(l.Graph.N()) {
		nb, _ := l.Graph.Out(u)
		for _, v := range nb {
			out = append(out, strconv.FormatInt(l.IDs[u], 10)+">"+strconv.FormatInt(l.IDs[v], 10))
		}
	}
	slices.Sort(out)
	return out
}

func snapshotRows(t *testing.T, s *Store) (parts int, version int64) {
	t.Helper()
	s.DB().QueryRow("SELECT count(*), coalesce(max(version), -1) FROM graph_cache WHERE name = 'follows'").Scan(&parts, &version)
	return
}

func currentVersion(t *testing.T, s *Store) int64 {
	var v int64
	s.DB().QueryRow("SELECT value FROM meta WHERE key = 'follows_version'").Scan(&v)
	return v
}

// TestFollowSnapshot checks that the snapshot a bulk import writes gives the
// same graph as the table, that any change to follows (by clout, or by hand
// in sqlite3) makes it stale, and that loading rebuilds it.
func TestFollowSnapshot(t *testing.T) {
	s, _ := openTemp(t)
	var edges []graph.Edge
	for i := range 5000 {
		edges = append(edges, graph.Edge{Platform: "local", Src: "a" + strconv.Itoa(i%97), Dst: "b" + strconv.Itoa(i*7919%1009), Kind: graph.Follow})
	}
	write(t, s, nil, edges)
	parts, v := snapshotRows(t, s)
	if parts != 1 || v != currentVersion(t, s) {
		t.Fatalf("after import: %d parts at version %d, current %d", parts, v, currentVersion(t, s))
	}
	withSnapshot := followEdges(t, s)
	s.DB().Exec("DELETE FROM graph_cache")
	fromTable := followEdges(t, s) // loads rows, and saves a new snapshot
	if !slices.Equal(withSnapshot, fromTable) || len(fromTable) == 0 {
		t.Fatalf("snapshot gives %d edges, table %d", len(withSnapshot), len(fromTable))
	}
	if parts, v = snapshotRows(t, s); parts != 1 || v != currentVersion(t, s) {
		t.Fatalf("load did not save a snapshot: %d parts, version %d", parts, v)
	}

	// A change by hand: the triggers make the snapshot stale.
	before := currentVersion(t, s)
	if _, err := s.DB().Exec("DELETE FROM follows WHERE rowid IN (SELECT rowid FROM follows LIMIT 1)"); err != nil {
		// WITHOUT ROWID: delete one by its key instead
		s.DB().Exec("DELETE FROM follows WHERE (src, dst) = (SELECT src, dst FROM follows LIMIT 1)")
	}
	if currentVersion(t, s) == before {
		t.Fatal("deleting a follow did not bump follows_version")
	}
	after := followEdges(t, s)
	if len(after) != len(fromTable)-1 {
		t.Fatalf("after a manual delete: %d edges, want %d (stale snapshot used?)", len(after), len(fromTable)-1)
	}
	s.DB().Exec("INSERT INTO follows (src, dst, first_seen) SELECT 1, max(id), 0 FROM accounts")
	if got := followEdges(t, s); len(got) != len(after)+1 {
		t.Fatalf("after a manual insert: %d edges, want %d", len(got), len(after)+1)
	}
	// A write through clout bumps it too, and the trigger is back afterwards.
	v1 := currentVersion(t, s)
	write(t, s, nil, []graph.Edge{{Platform: "local", Src: "new1", Dst: "new2", Kind: graph.Follow}})
	if currentVersion(t, s) == v1 {
		t.Fatal("a clout write did not bump follows_version")
	}
	var triggers int
	s.DB().QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'follows_inserted'").Scan(&triggers)
	if triggers != 1 {
		t.Fatal("follows_inserted trigger missing after a write")
	}
	if got := followEdges(t, s); len(got) != len(after)+2 {
		t.Fatalf("after a clout write: %d edges, want %d", len(got), len(after)+2)
	}
}
