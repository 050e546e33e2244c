package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/source/crawl"
)

func FuzzParseLinks(f *testing.F) {
	for _, s := range []string{
		`<https://mastodon.example/api/v1/accounts/14715/followers?limit=2&max_id=7486869>; rel="next", <https://mastodon.example/api/v1/accounts/14715/followers?limit=2&since_id=7489740>; rel="prev"`,
		`<https://a.example/p?a=1,2;3>; title="a, b; \"c\""; REL="next"`,
		`<x>;rel=next,,<y>; rel`, `<`, `<>;`, `"`, `<a>; t="\`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		links, err := parseLinks([]string{s})
		if err != nil {
			return
		}
		for _, l := range links {
			if strings.ContainsRune(l.Target, '>') {
				t.Errorf("target %q holds '>'", l.Target)
			}
			for k := range l.Params {
				if k != strings.ToLower(k) || k == "" {
					t.Errorf("param name %q", k)
				}
			}
			l.hasRel("next")
		}
	})
}

// FuzzStatuses feeds arbitrary JSON to the statuses and context readers, as
// a hostile or broken instance could send it.
func FuzzStatuses(f *testing.F) {
	for _, name := range []string{"statuses.json", "context.json", "followers.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"id":1,"uri":"u","account":{"id":2,"acct":"a@b"},"reblog":{"account":null}}]`))
	f.Add([]byte(`[{"id":"1","uri":"u","account":{"id":"2","acct":"a"},"in_reply_to_account_id":"3","mentions":[{"id":"3","acct":"@@"}],"quote":{"state":"accepted","quoted_status":{"account":{"acct":"x@y","followers_count":"many"}}}}]`))
	f.Add([]byte(`[{"account":{"acct":"a","followers_count":1e400}}]`))
	p, err := New(crawl.NewClient(crawl.ClientConfig{}), Config{})
	if err != nil {
		f.Fatal(err)
	}
	// A cancelled context: the replied-to account lookups a status may need
	// fail at once, without a request.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, b []byte) {
		var sts []apiStatus
		if json.Unmarshal(b, &sts) == nil {
			pg := &crawl.Page{}
			r := statusReader{ctx: ctx, p: p, home: "home.example", pg: pg, found: len(b)%2 == 0}
			for i := range sts {
				if err := r.read(&sts[i]); err != nil && !errors.Is(err, context.Canceled) {
					t.Errorf("read: %v", err)
				}
			}
			for _, rec := range pg.PostRecords {
				if rec.ID == "" || !strings.Contains(rec.Author, "@") || rec.Platform != Name || rec.TextLen < 0 {
					t.Errorf("bad post %+v", rec)
				}
			}
			for _, e := range pg.Edges {
				if e.Src == "" || e.Dst == "" || e.Src == e.Dst || e.Platform != Name {
					t.Errorf("bad edge %+v", e)
				}
				if !strings.Contains(e.Src, "@") || !strings.Contains(e.Dst, "@") {
					t.Errorf("edge key without domain %+v", e)
				}
			}
			for _, s := range pg.Posts {
				if _, ok := p.statusIDCached(s); !ok {
					t.Errorf("post %q without a recorded id", s)
				}
			}
		}
		var cx apiContext
		_ = json.Unmarshal(b, &cx)
		var accs []apiAccount
		if json.Unmarshal(b, &accs) == nil {
			for i := range accs {
				_, _ = p.remember(&accs[i], "home.example")
			}
		}
	})
}
