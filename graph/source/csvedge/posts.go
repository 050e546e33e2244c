package csvedge

import (
	"time"

	"github.com/clout-cli/clout/graph"
)

// post sends the post a row names, when the row has a post id and the sink
// keeps posts. Whose post it is depends on the row's kind:
//
//	repost, quote, reply  the source's post of that kind (the repost, the quote,
//	                      the reply), at the row's time, with the row's hashtags
//	                      and parent_id (the post it reposts, quotes, replies to)
//	mention               the source's post that mentions the target, at the row's
//	                      time, with the row's hashtags; its kind is not known
//	                      (stored as original until another row of the same post
//	                      says reply, quote or repost)
//	like                  the liked post, the target's; its time is not the like's
//	                      (unknown) and its kind is not known
//	follow                no post
//	NodeXL "Tweet"        the source's original post, at the row's time
//
// Rows repeating a post id send it again; the store keeps it once.
func (im *importer) post(platform, src, dst string, kind graph.Kind, at time.Time, id, parent string, tags []string, tweet bool) error {
	if id == "" || im.posts == nil {
		return nil
	}
	p := graph.Post{Platform: platform, ID: id, Author: src, At: at, Hashtags: tags}
	switch {
	case tweet:
	case kind == graph.Follow:
		return nil
	case kind == graph.Like:
		p.Author, p.At = dst, time.Time{}
	case kind == graph.Repost:
		p.Kind, p.Parent = graph.RepostPost, parent
	case kind == graph.Quote:
		p.Kind, p.Parent = graph.QuotePost, parent
	case kind == graph.Reply:
		p.Kind, p.Parent = graph.ReplyPost, parent
	}
	return im.posts.Post(p)
}
