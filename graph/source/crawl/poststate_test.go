package crawl_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/graph/store/storetest"
)

// postState is a store whose transactions also keep the posts they write in
// memory (with the transaction: a rolled-back page's posts are gone), so that
// tests can read them as the engine gave them; the store's posts table gets
// them too.
type postState struct {
	*store.Store
	mu    sync.Mutex
	posts map[string]graph.Post
}

type postTx struct {
	*store.Tx
	st      *postState
	pending []graph.Post
}

func newPostState(t testing.TB) *postState {
	return &postState{Store: openStore(t), posts: map[string]graph.Post{}}
}

func (s *postState) CrawlBegin(ctx context.Context) (graph.Sink, error) {
	tx, err := s.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &postTx{Tx: tx, st: s}, nil
}

func (t *postTx) Post(p graph.Post) error {
	t.pending = append(t.pending, p)
	return t.Tx.Post(p)
}

func (t *postTx) Commit() error {
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	t.st.mu.Lock()
	for _, p := range t.pending {
		t.st.posts[p.ID] = p
	}
	t.st.mu.Unlock()
	return nil
}

// dump is the store's dump plus the posts, one line each.
func (s *postState) dump(t testing.TB) string {
	var lines []string
	for _, p := range s.posts {
		lines = append(lines, fmt.Sprintf("post %s %s %s %s %v %d %q", p.Platform, p.ID, p.Author, p.At.Format(time.RFC3339), p.Hashtags, p.TextLen, p.Text))
	}
	sort.Strings(lines)
	rows, err := s.DB().Query(`SELECT platform, post_id, coalesce(author, ''), coalesce(at, 0), kind, coalesce(parent_id, ''),
		coalesce(hashtags, ''), text_len, coalesce(text, '') FROM post_rows ORDER BY platform, post_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pl, id, author, kind, parent, tags, text string
		var at, n int64
		if err := rows.Scan(&pl, &id, &author, &at, &kind, &parent, &tags, &n, &text); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("row %s %s %s %d %s %s %s %d %q", pl, id, author, at, kind, parent, tags, n, text))
	}
	return storetest.Dump(t, s.Store) + strings.Join(lines, "\n")
}

// storedPosts counts the rows of the posts table.
func storedPosts(t testing.TB, s *store.Store) int {
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM posts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
