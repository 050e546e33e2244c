package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

// FuzzTagTimeline feeds arbitrary JSON to the hashtag timeline reader (a
// page of statuses read with their authors as participants) and arbitrary
// error answers to refusedTag.
func FuzzTagTimeline(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "tag_timeline.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, 200)
	f.Add([]byte(`[{"id":"1","uri":"u","content":"<p>a<br>b &amp; c</p>","account":{"id":"2","acct":"a"},"in_reply_to_id":"7","quote":{"state":"accepted","quoted_status":{"uri":"q","account":{"acct":"b@c"}}}}]`), 422)
	f.Add([]byte(`{"error":"This method requires an authenticated user"}`), 401)
	p, err := New(crawl.NewClient(crawl.ClientConfig{}), Config{})
	if err != nil {
		f.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // replied-to lookups fail at once, without a request
	f.Fuzz(func(t *testing.T, b []byte, status int) {
		he := &crawl.HTTPError{URL: "https://i.example/x", Status: status, Msg: string(b)}
		if err := refusedTag("i.example", he); !errors.Is(err, he) {
			t.Fatalf("refusedTag lost the error: %v", err)
		} else if (status == 401 || status == 422) != strings.Contains(err.Error(), "refuses anonymous hashtag timelines") {
			t.Fatalf("status %d: %v", status, err)
		}
		var sts []apiStatus
		if json.Unmarshal(b, &sts) != nil {
			return
		}
		pg := &crawl.Page{}
		r := statusReader{ctx: ctx, p: p, home: "i.example", pg: pg, found: true}
		for i := range sts {
			if err := r.read(&sts[i]); err != nil && !errors.Is(err, context.Canceled) {
				t.Fatalf("read: %v", err)
			}
		}
		for _, k := range pg.Found {
			if !slices.ContainsFunc(pg.PostRecords, func(p graph.Post) bool { return p.Author == k }) {
				t.Fatalf("participant %s wrote no post", k)
			}
		}
		for _, id := range pg.Posts {
			if !slices.ContainsFunc(pg.PostRecords, func(p graph.Post) bool { return p.ID == id }) {
				t.Fatalf("post %s without its record", id)
			}
		}
		for _, rec := range pg.PostRecords {
			if rec.ID == "" || rec.Platform != Name || !strings.Contains(rec.Author, "@") || rec.TextLen < 0 {
				t.Fatalf("bad post %+v", rec)
			}
		}
	})
}
