// Package storetest helps tests compare what clout databases hold.
package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/store"
)

// Dump renders what s holds, by account keys, without row ids or timestamps
// (first_seen, last_seen): accounts with their attributes, follow edges and
// interaction events, each in a fixed order. Two databases that hold the same
// data dump to the same string, however and whenever it was written.
func Dump(t testing.TB, s *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT platform, key, coalesce(handle, ''), coalesce(name, ''), coalesce(followers_count, -1),
			coalesce(following_count, -1), coalesce(posts_count, -1) FROM accounts ORDER BY platform, key`,
		`SELECT platform, source, target FROM follow_edges ORDER BY 1, 2, 3`,
		`SELECT platform, kind, source, target, post_id, coalesce(at, -1), coalesce(hashtags, ''), count
			FROM event_edges ORDER BY 1, 2, 3, 4, 5, 6`,
	} {
		for _, row := range Query(t, s, q) {
			b.WriteString(row)
			b.WriteByte('\n')
		}
		b.WriteString("--\n")
	}
	return b.String()
}

// Query runs q on s and renders each row on a line, values separated by spaces.
func Query(t testing.TB, s *store.Store, q string) []string {
	t.Helper()
	rows, err := s.DB().Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
