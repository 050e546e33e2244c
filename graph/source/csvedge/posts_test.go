package csvedge

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

func pst(platform, id, author string, k graph.PostKind, at time.Time, parent string, tags ...string) graph.Post {
	p := graph.Post{Platform: platform, ID: id, Author: author, Kind: k, At: at, Parent: parent}
	if len(tags) > 0 {
		p.Hashtags = tags
	}
	return p
}

func TestPosts(t *testing.T) {
	var none time.Time
	tests := []struct {
		name, file, text string
		posts            []graph.Post
	}{
		{
			name: "clout columns: the source's repost and reply; no post without post_id",
			file: "clout_all_columns.csv",
			posts: []graph.Post{
				pst("bluesky", "at://did:plc:bob/app.bsky.feed.post/3kabc", "bob", graph.RepostPost, utc("2024-01-15T10:30:00Z"), "", "go", "sqlite"),
				pst("local", "p42", "carol", graph.ReplyPost, time.Unix(1705314600, 0).UTC(), "", "go", "graphs"),
			},
		},
		{
			name: "every kind, parent_id",
			text: "source,target,kind,time,post_id,parent_id,hashtags\n" +
				"a,b,quote,2024-01-01,q1,p0,#Chat\n" +
				"a,b,mention,2024-01-02,m1,,\n" +
				"a,b,like,2024-01-03,l1,,chat\n" +
				"a,b,follow,2024-01-04,f1,,\n" +
				"a,b,repost,2024-01-05,,p0,\n",
			posts: []graph.Post{
				pst("local", "q1", "a", graph.QuotePost, utc("2024-01-01T00:00:00Z"), "p0", "chat"),
				pst("local", "m1", "a", graph.Original, utc("2024-01-02T00:00:00Z"), ""),
				// The liked post is the target's, of unknown time.
				pst("local", "l1", "b", graph.Original, none, "", "chat"),
			},
		},
		{
			name: "NodeXL: Imported ID, In-Reply-To Tweet ID, Tweet rows",
			file: "nodexl_edges.csv",
			posts: []graph.Post{
				pst("twitter", "1106245678901234567", "alice", graph.Original, utc("2019-03-14T17:06:07Z"), "", "graphtheory"),
				pst("twitter", "1106245678901234568", "bob", graph.ReplyPost, utc("2019-03-14T17:06:07Z"), "1106245678901234567"),
				pst("twitter", "1106245678901234569", "carol", graph.Original, utc("2019-03-14T17:06:00Z"), "", "rstats", "dataviz"),
				pst("twitter", "1106245678901234570", "dave", graph.RepostPost, utc("2019-03-15T08:00:00Z"), ""),
				pst("twitter", "1106245678901234571", "erin", graph.QuotePost, utc("2019-03-15T09:00:00Z"), ""),
				pst("twitter", "1106245678901234571", "erin", graph.Original, utc("2019-03-15T09:00:00Z"), ""),
				pst("twitter", "1106245678901234572", "frank", graph.Original, utc("2019-03-15T10:00:30Z"), ""),
				pst("twitter", "1106245678901234573", "gina", graph.QuotePost, utc("2019-03-16T12:00:00Z"), ""),
				pst("twitter", "1106245678901234575", "hank", graph.Original, utc("2019-03-04T09:15:00Z"), ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.text
			if tt.file != "" {
				text = fixture(t, tt.file)
			}
			rec := &recorder{}
			if err := Import(context.Background(), strings.NewReader(text), source.Options{Name: "t", Kind: graph.Follow}, rec); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rec.Posts, tt.posts) {
				t.Errorf("posts:\n got %+v\nwant %+v", rec.Posts, tt.posts)
			}
		})
	}
}
