package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// flushPosts is how many distinct posts a Tx holds before handing them to its
// writer goroutine.
const flushPosts = 1 << 16

// The Tx is the sink of every source, the crawl engine's included.
var _ graph.PostSink = (*Tx)(nil)

// postRow is a post as stored: the author as an account id (0: unknown), the
// hashtags space-separated.
type postRow struct {
	platform, id string
	author       int64
	authorKey    string // the author's key, which orders conflicting authors
	at           int64
	hasAt        bool
	kind         graph.PostKind
	parent       string
	hashtags     string
	textLen      int
	text         string
}

// mergePost folds another observation o of the same post into r. What r
// does not know, o fills; where both know a field and disagree, the choice
// depends only on the two values, never on which came first, so the stored
// post does not depend on the order or batching of observations:
//
//   - author: the one with the smaller account key;
//   - time: the earliest;
//   - kind: the most specific, repost > reply > quote > original (original
//     is also what a source says when it cannot tell), and the parent of
//     that observation; of equal kinds, the larger parent id;
//   - text_len: the larger; text: the larger string;
//   - hashtags: the first given (a post's tags come from its text, so two
//     observations do not disagree on them).
//
// The UPDATE of writePosts applies the same rules to a stored row.
func (r *postRow) mergePost(o *postRow) {
	if o.author != 0 && (r.author == 0 || o.authorKey < r.authorKey) {
		r.author, r.authorKey = o.author, o.authorKey
	}
	if o.hasAt && (!r.hasAt || o.at < r.at) {
		r.at, r.hasAt = o.at, true
	}
	switch rk, ok := kindRank(r.kind), kindRank(o.kind); {
	case ok > rk:
		r.kind, r.parent = o.kind, o.parent
	case ok == rk && o.parent > r.parent:
		r.parent = o.parent
	}
	if r.hashtags == "" {
		r.hashtags = o.hashtags
	}
	r.textLen = max(r.textLen, o.textLen)
	r.text = max(r.text, o.text)
}

// kindRank orders post kinds from least to most specific.
func kindRank(k graph.PostKind) int {
	switch k {
	case graph.QuotePost:
		return 1
	case graph.ReplyPost:
		return 2
	case graph.RepostPost:
		return 3
	}
	return 0
}

// kindRankSQL is kindRank in SQL, of the kind column of table.
func kindRankSQL(table string) string {
	return "(CASE " + table + ".kind WHEN 'quote' THEN 1 WHEN 'reply' THEN 2 WHEN 'repost' THEN 3 ELSE 0 END)"
}

// postTags normalizes tags as graph.NormalizeHashtags does and joins them
// with spaces; a tag holding white space is split at it (posts.hashtags is
// space-separated).
func postTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	var fields []string
	for _, t := range tags {
		fields = append(fields, strings.Fields(t)...)
	}
	return strings.Join(graph.NormalizeHashtags(fields), " ")
}

// Post records one post. Its author, when given, is created as an account
// like an edge's endpoints. The same post (platform and id) sent several
// times is stored once, merged as mergePost says.
func (t *Tx) Post(p graph.Post) error {
	if p.Platform == "" || p.ID == "" {
		return fmt.Errorf("post with empty platform or id (platform %q, id %q)", p.Platform, p.ID)
	}
	if p.Kind > graph.RepostPost {
		return fmt.Errorf("post %s has unknown kind %d", p.ID, p.Kind)
	}
	t.stats.Posts++
	r := postRow{platform: p.Platform, id: p.ID, kind: p.Kind, parent: p.Parent,
		hashtags: postTags(p.Hashtags), textLen: max(p.TextLen, 0), text: p.Text}
	if p.Parent == p.ID {
		r.parent = ""
	}
	if !p.At.IsZero() {
		r.at, r.hasAt = p.At.Unix(), true
	}
	if p.Author != "" {
		id, err := t.AccountID(p.Platform, p.Author)
		if err != nil {
			return err
		}
		r.author, r.authorKey = id, p.Author
	}
	key := p.Platform + "\x00" + p.ID
	if i, ok := t.postIdx[key]; ok {
		t.posts[i].mergePost(&r)
		return nil
	}
	if t.postIdx == nil {
		t.postIdx = map[string]int{}
	}
	t.postIdx[key] = len(t.posts)
	t.posts = append(t.posts, r)
	return t.maybeFlush()
}

// writePosts stores a batch of distinct posts: new ones are inserted, known
// ones merged (mergePost's rules, in SQL), and post_tags given the tags of
// every post whose stored hashtags are the ones of this batch. It returns how
// many posts were new.
func (t *Tx) writePosts(posts []postRow) (int64, error) {
	if len(posts) == 0 {
		return 0, nil
	}
	if err := t.dropPostIndexes(len(posts)); err != nil {
		return 0, err
	}
	// In key order, the rows append to posts_key instead of landing at random.
	slices.SortFunc(posts, func(a, b postRow) int {
		return cmp.Or(strings.Compare(a.platform, b.platform), strings.Compare(a.id, b.id))
	})
	var before int64
	if err := t.conn.QueryRowContext(context.WithoutCancel(t.ctx), "SELECT coalesce(max(id), 0) FROM posts").Scan(&before); err != nil {
		return 0, fmt.Errorf("database %s: %w", t.s.path, err)
	}
	args := make([]any, 0, 9*len(posts))
	var tagArgs []any
	for i := range posts {
		p := &posts[i]
		var author, at any
		if p.author != 0 {
			author = p.author
		}
		if p.hasAt {
			at = p.at
		}
		args = append(args, p.platform, p.id, author, at, p.kind.String(), nullString(p.parent),
			nullString(p.hashtags), p.textLen, nullString(p.text))
		if p.hashtags != "" {
			for _, tag := range strings.Split(p.hashtags, " ") {
				tagArgs = append(tagArgs, tag, p.platform, p.id, p.hashtags)
			}
		}
	}
	rankOld, rankNew := kindRankSQL("posts"), kindRankSQL("excluded")
	upsert := ` ON CONFLICT (platform, post_id) DO UPDATE SET
		author = CASE WHEN posts.author IS NULL THEN excluded.author WHEN excluded.author IS NULL THEN posts.author
			WHEN (SELECT key FROM accounts WHERE id = excluded.author) < (SELECT key FROM accounts WHERE id = posts.author) THEN excluded.author
			ELSE posts.author END,
		at = coalesce(min(posts.at, excluded.at), posts.at, excluded.at),
		kind = CASE WHEN ` + rankNew + ` > ` + rankOld + ` THEN excluded.kind ELSE posts.kind END,
		parent_id = CASE WHEN ` + rankNew + ` > ` + rankOld + ` THEN excluded.parent_id
			WHEN ` + rankNew + ` = ` + rankOld + ` THEN coalesce(max(posts.parent_id, excluded.parent_id), posts.parent_id, excluded.parent_id)
			ELSE posts.parent_id END,
		hashtags = coalesce(posts.hashtags, excluded.hashtags),
		text_len = max(posts.text_len, excluded.text_len),
		text = coalesce(max(posts.text, excluded.text), posts.text, excluded.text)`
	if _, err := t.insertRows("INSERT INTO posts (platform, post_id, author, at, kind, parent_id, hashtags, text_len, text) VALUES ",
		"(?,?,?,?,?,?,?,?,?)", upsert, 9, args); err != nil {
		return 0, err
	}
	// A tag row is added when the post's stored hashtags are the ones this
	// row came with: post_tags then holds exactly the tags of posts.hashtags.
	if _, err := t.insertRows("INSERT OR IGNORE INTO post_tags (tag, post) SELECT v.column1, p.id FROM (VALUES ",
		"(?,?,?,?)", ") AS v JOIN posts p ON p.platform = v.column2 AND p.post_id = v.column3 AND p.hashtags = v.column4", 4, tagArgs); err != nil {
		return 0, err
	}
	var after int64
	if err := t.conn.QueryRowContext(context.WithoutCancel(t.ctx), "SELECT coalesce(max(id), 0) FROM posts").Scan(&after); err != nil {
		return 0, fmt.Errorf("database %s: %w", t.s.path, err)
	}
	return after - before, nil
}

// postIndexes are the posts table's secondary indexes that a bulk load
// drops and builds again at commit: inserted in random order they cost
// more than the rows (posts_key, which the upsert needs, is kept).
var postIndexes = []struct{ name, create string }{
	{"posts_author", "CREATE INDEX posts_author ON posts (author, kind, at)"},
	{"posts_at", "CREATE INDEX posts_at ON posts (at)"},
	{"posts_parent", "CREATE INDEX posts_parent ON posts (platform, parent_id) WHERE parent_id IS NOT NULL"},
}

// dropPostIndexes drops postIndexes when a full batch is written into a
// table that was empty when the Tx began: a bulk import, not a crawl page.
func (t *Tx) dropPostIndexes(batch int) error {
	if t.postsDropped || !t.postsEmpty || batch < flushPosts {
		return nil
	}
	for _, ix := range postIndexes {
		if _, err := t.conn.ExecContext(context.WithoutCancel(t.ctx), "DROP INDEX IF EXISTS "+ix.name); err != nil {
			return fmt.Errorf("database %s: %w", t.s.path, err)
		}
	}
	t.postsDropped = true
	return nil
}

// restorePostIndexes builds the indexes dropped for a bulk load.
func (t *Tx) restorePostIndexes() error {
	if !t.postsDropped {
		return nil
	}
	for _, ix := range postIndexes {
		if _, err := t.conn.ExecContext(context.WithoutCancel(t.ctx), ix.create); err != nil {
			return fmt.Errorf("database %s: rebuild index %s: %w", t.s.path, ix.name, err)
		}
	}
	t.postsDropped = false
	return nil
}
