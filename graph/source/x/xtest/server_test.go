package xtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph/source/x/xtest"
)

func get(t *testing.T, srv *xtest.Server, path, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v: %s", path, err, b)
	}
	return resp.StatusCode, resp.Header, v
}

func TestNewWorldDeterministic(t *testing.T) {
	a, b := xtest.NewWorld(42, 25), xtest.NewWorld(42, 25)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different worlds")
	}
	if reflect.DeepEqual(a, xtest.NewWorld(43, 25)) {
		t.Fatal("different seeds, same world")
	}
	var rts, quotes, replies, deleted, noID int
	for _, tw := range a.Tweets {
		switch {
		case tw.Retweet != "":
			rts++
		case tw.Quote != "":
			quotes++
		case tw.ReplyTo != "":
			replies++
		}
		if tw.Deleted {
			deleted++
		}
		for _, m := range tw.Mentions {
			if m.ID == "" {
				noID++
			}
		}
	}
	if rts == 0 || quotes == 0 || replies == 0 || deleted == 0 || noID == 0 || !a.Users[len(a.Users)-1].Protected {
		t.Errorf("world lacks a case: %d retweets, %d quotes, %d replies, %d deleted, %d mentions without id", rts, quotes, replies, deleted, noID)
	}
}

func TestServerProtocol(t *testing.T) {
	w := xtest.NewWorld(1, 10)
	srv := xtest.NewServer(t, w)
	id := w.Users[0].ID
	cases := []struct {
		path, token string
		status      int
		title       string
	}{
		{"/2/users/" + id, "", 401, "Unauthorized"},
		{"/2/users/" + id, "wrong", 401, "Unauthorized"},
		{"/2/users/" + id + "/followers?max_results=1001", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/users/" + id + "/tweets?max_results=4", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/tweets/1/quote_tweets?max_results=9", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/users/" + id + "/followers?bogus=1", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/users/" + id + "?user.fields=shoe_size", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/users/abc", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/users/" + id + "/followers?pagination_token=zzzz", xtest.DefaultToken, 400, "Invalid Request"},
		{"/2/tweets/1/liking_users", xtest.DefaultToken, 403, "Unsupported Authentication"},
		{"/2/users/" + id, xtest.DefaultToken, 200, ""},
		{"/2/users/" + id + "?post.fields=author_id", xtest.DefaultToken, 200, ""},
	}
	for _, c := range cases {
		st, h, v := get(t, srv, c.path, c.token)
		if st != c.status || (c.title != "" && v["title"] != c.title) {
			t.Errorf("%s: %d %v", c.path, st, v)
		}
		if st != 401 {
			reset, err := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64)
			if err != nil || h.Get("x-rate-limit-limit") == "" || time.Unix(reset, 0).Before(time.Now()) {
				t.Errorf("%s: rate headers %v", c.path, h)
			}
		}
	}

	// A token of one list is refused by another.
	srv.Set(func(k *xtest.Knobs) { k.PageSize = 1 })
	_, _, v := get(t, srv, "/2/users/"+id+"/followers?max_results=5", xtest.DefaultToken)
	tok := v["meta"].(map[string]any)["next_token"].(string)
	if st, _, _ := get(t, srv, "/2/users/"+w.Users[1].ID+"/followers?pagination_token="+tok, xtest.DefaultToken); st != 400 {
		t.Errorf("foreign token accepted: %d", st)
	}
	if st, _, v := get(t, srv, "/2/users/"+id+"/followers?pagination_token="+tok, xtest.DefaultToken); st != 200 || v["meta"].(map[string]any)["previous_token"] == nil {
		t.Errorf("second page: %d %v", st, v)
	}
}

func TestServerFault429(t *testing.T) {
	w := xtest.NewWorld(1, 6)
	srv := xtest.NewServer(t, w, func(k *xtest.Knobs) { k.Fail429, k.ResetAfter = 1, 1500*time.Millisecond })
	st, h, v := get(t, srv, "/2/users/"+w.Users[0].ID, xtest.DefaultToken)
	if st != 429 || h.Get("x-rate-limit-remaining") != "0" || v["errors"] == nil {
		t.Fatalf("first 429: %d %v %v", st, h, v) // the first is the legacy body
	}
	srv.Set(func(k *xtest.Knobs) { k.Fail429 = 0 })
	if st, _, _ := get(t, srv, "/2/users/"+w.Users[0].ID, xtest.DefaultToken); st != 429 {
		t.Errorf("request before reset: %d, want 429", st)
	}
	reset, _ := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64)
	time.Sleep(time.Until(time.Unix(reset, 0)) + 50*time.Millisecond)
	if st, _, _ := get(t, srv, "/2/users/"+w.Users[0].ID, xtest.DefaultToken); st != 200 {
		t.Errorf("request after reset: %d, want 200", st)
	}
}

// TestTimelineShape checks a timeline response against the API's
// documented shape: retweets as "RT @author: " with the mention at offset
// 3, deleted referenced posts reported in errors[] and absent from includes.
func TestTimelineShape(t *testing.T) {
	w := &xtest.World{}
	a, b := w.AddUser("100", "alice"), w.AddUser("200", "Bob")
	orig := w.AddTweet(&xtest.Tweet{ID: "1000", Author: b.ID, Created: time.Unix(1e9, 0), Mentions: []xtest.Mention{{Username: "alice", ID: a.ID}}, Hashtags: []string{"Go"}})
	gone := w.AddTweet(&xtest.Tweet{ID: "1001", Author: b.ID, Created: time.Unix(1e9+1, 0), Deleted: true})
	w.AddTweet(&xtest.Tweet{ID: "1002", Author: a.ID, Created: time.Unix(1e9+2, 0), Retweet: orig.ID})
	w.AddTweet(&xtest.Tweet{ID: "1003", Author: a.ID, Created: time.Unix(1e9+3, 0), Quote: gone.ID})
	srv := xtest.NewServer(t, w)
	_, _, v := get(t, srv, "/2/users/100/tweets?max_results=5&tweet.fields=author_id,entities,referenced_tweets,created_at&expansions=author_id,referenced_tweets.id,referenced_tweets.id.author_id", xtest.DefaultToken)
	data := v["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != "1003" {
		t.Fatalf("data %v", data)
	}
	rt := data[1].(map[string]any)
	if txt := rt["text"].(string); !strings.HasPrefix(txt, "RT @Bob: @alice ") {
		t.Errorf("retweet text %q", txt)
	}
	m := rt["entities"].(map[string]any)["mentions"].([]any)[0].(map[string]any)
	if m["start"] != 3.0 || m["end"] != 7.0 || m["id"] != "200" {
		t.Errorf("RT mention %v", m)
	}
	inc := v["includes"].(map[string]any)
	if len(inc["tweets"].([]any)) != 1 || len(inc["users"].([]any)) != 2 {
		t.Errorf("includes %v", inc)
	}
	errs := v["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["resource_id"] != "1001" || !strings.HasSuffix(errs[0].(map[string]any)["type"].(string), "resource-not-found") {
		t.Errorf("errors %v", errs)
	}
	if _, ok := data[0].(map[string]any)["in_reply_to_user_id"]; ok {
		t.Error("field served without being requested")
	}

	res := w.Expected([]string{"alice"}, 1, xtest.Options{Engagement: true})
	if len(res.Events) != 1 || res.Events[0].Dst != "200" || res.Events[0].PostID != "1000" || !res.Events[0].At.IsZero() {
		t.Errorf("expected events %+v (the quote of a deleted post yields nothing)", res.Events)
	}
	if !reflect.DeepEqual(res.Accounts, []string{"100", "200"}) || !reflect.DeepEqual(res.Crawled, []string{"100"}) {
		t.Errorf("expected %+v", res)
	}
}
