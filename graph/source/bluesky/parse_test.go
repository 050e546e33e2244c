package bluesky

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/crawl"
)

const (
	bsky     = "did:plc:z72i7hdynmk6r22z27h6tvur"
	atproto  = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
	why      = "did:plc:vpkhqolt662uhesyj6nxm7ys"
	pfrazee  = "did:plc:ragtjsm2j2vknwkz3zp4oxrd"
	invalidH = "did:plc:4llrhdclvdlmmynkwsmg5tdc"
	pinned   = "at://" + bsky + "/app.bsky.feed.post/3lgv7qrwgdc2x"
)

// wantQuery checks the parameters of a request.
func wantQuery(t *testing.T, u *url.URL, nsid string, want url.Values) {
	t.Helper()
	if u.Path != "/xrpc/"+nsid {
		t.Errorf("path %s, want /xrpc/%s", u.Path, nsid)
	}
	if got := u.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("%s query %v, want %v", nsid, got, want)
	}
}

func edgesEqual(t *testing.T, got, want []graph.Edge) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d edges, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
		return
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("edge %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func keys(as []graph.Account) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Key)
	}
	return out
}

func TestFollowersPages(t *testing.T) {
	f, p := newFixtures(t, func(nsid string, q url.Values) reply {
		if q.Get("cursor") == "3lkj4w5wd3k2a" {
			return reply{file: "getFollowers.page2.json"}
		}
		return reply{file: "getFollowers.page1.json"}
	})
	ctx := context.Background()
	task := crawl.Task{Endpoint: crawl.Followers, Subject: bsky, Owner: bsky}
	pg, err := p.Fetch(ctx, task, "")
	if err != nil {
		t.Fatal(err)
	}
	if pg.Next != "3lkj4w5wd3k2a" {
		t.Errorf("Next = %q", pg.Next)
	}
	wantFound := []string{why, pfrazee, invalidH} // "not a did" is skipped
	if !slices.Equal(pg.Found, wantFound) {
		t.Errorf("Found = %v, want %v", pg.Found, wantFound)
	}
	var want []graph.Edge
	for _, d := range wantFound {
		want = append(want, graph.Edge{Platform: Name, Src: d, Dst: bsky, Kind: graph.Follow})
	}
	edgesEqual(t, pg.Edges, want)
	if got := keys(pg.Accounts); !slices.Equal(got, append(wantFound, bsky)) {
		t.Errorf("accounts %v", got)
	}
	a := pg.Accounts[0]
	if a.Handle != "why.bsky.team" || a.Name != "Paul Frazee" || a.Followers != graph.Unknown || a.Posts != graph.Unknown {
		t.Errorf("follower account %+v: want handle, name and unknown counts", a)
	}
	if h := pg.Accounts[2].Handle; h != "" {
		t.Errorf("handle.invalid stored as %q, want empty", h)
	}

	pg, err = p.Fetch(ctx, task, pg.Next)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Next != "" || !slices.Equal(pg.Found, []string{"did:web:example.com"}) {
		t.Errorf("page 2: Next %q Found %v", pg.Next, pg.Found)
	}
	qs := f.queries()
	wantQuery(t, qs[0], "app.bsky.graph.getFollowers", url.Values{"actor": {bsky}, "limit": {"100"}})
	wantQuery(t, qs[1], "app.bsky.graph.getFollowers", url.Values{"actor": {bsky}, "limit": {"100"}, "cursor": {"3lkj4w5wd3k2a"}})
}

func TestFollows(t *testing.T) {
	f, p := newFixtures(t, func(string, url.Values) reply { return reply{file: "getFollows.json"} })
	pg, err := p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.Follows, Subject: bsky, Owner: bsky}, "")
	if err != nil {
		t.Fatal(err)
	}
	edgesEqual(t, pg.Edges, []graph.Edge{{Platform: Name, Src: bsky, Dst: atproto, Kind: graph.Follow}})
	if pg.Next != "3jzfcijpj2z2a" || !slices.Equal(pg.Found, []string{atproto}) {
		t.Errorf("Next %q Found %v", pg.Next, pg.Found)
	}
	wantQuery(t, f.queries()[0], "app.bsky.graph.getFollows", url.Values{"actor": {bsky}, "limit": {"100"}})
}

func TestAuthorFeed(t *testing.T) {
	f, p := newFixtures(t, func(string, url.Values) reply { return reply{file: "getAuthorFeed.json"} })
	pg, err := p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.Posts, Subject: bsky, Owner: bsky}, "c1")
	if err != nil {
		t.Fatal(err)
	}
	wantQuery(t, f.queries()[0], "app.bsky.feed.getAuthorFeed", url.Values{
		"actor": {bsky}, "limit": {"100"}, "cursor": {"c1"}, "filter": {"posts_with_replies"}, "includePins": {"false"},
	})
	p2 := "at://" + bsky + "/app.bsky.feed.post/3lh4pzjkcvs2m"
	p3 := "at://" + bsky + "/app.bsky.feed.post/3lh3xw5f2ck2y"
	p4 := "at://" + bsky + "/app.bsky.feed.post/3lh3aaaaaaa2y"
	reposted := "at://" + atproto + "/app.bsky.feed.post/3lh5dahxqps2s"
	tags := []string{"bluesky", "atproto"}
	// p2's createdAt is in 2099: sortAt is its indexedAt.
	at2 := mustTime(t, "2025-02-03T18:40:02.120Z")
	at3 := mustTime(t, "2025-02-03T09:00:00Z") // createdAt 10:00+01:00, before indexedAt
	at4 := mustTime(t, "2025-02-02T08:00:00Z")
	want := []graph.Edge{
		// The repost: PostID = the original, time unknown; the original's
		// mention of why is not the subject's.
		{Platform: Name, Src: bsky, Dst: atproto, Kind: graph.Repost, PostID: reposted},
		{Platform: Name, Src: bsky, Dst: why, Kind: graph.Reply, At: at2, PostID: p2, Hashtags: tags},
		// pfrazee is mentioned by two facets: one event.
		{Platform: Name, Src: bsky, Dst: pfrazee, Kind: graph.Mention, At: at2, PostID: p2, Hashtags: tags},
		{Platform: Name, Src: bsky, Dst: atproto, Kind: graph.Quote, At: at3, PostID: p3},
		// Handle-based URIs: the reply target from reply.parent (a blocked
		// post's author), the quote target from the hydrated embed view.
		{Platform: Name, Src: bsky, Dst: "did:plc:blockedauthor0000000000", Kind: graph.Reply, At: at4, PostID: p4},
		{Platform: Name, Src: bsky, Dst: atproto, Kind: graph.Quote, At: at4, PostID: p4},
		// The pinned post in place embeds a feed generator: no quote.
	}
	edgesEqual(t, pg.Edges, want)
	if want := []string{p2, p3, p4, pinned}; !slices.Equal(pg.Posts, want) {
		t.Errorf("Posts = %v, want %v (pin item and repost excluded)", pg.Posts, want)
	}
	if got := keys(pg.Accounts); !slices.Equal(got, []string{bsky, atproto}) {
		t.Errorf("accounts %v", got)
	}
	if len(pg.Found) != 0 {
		t.Errorf("Found = %v: a posts page queues nobody", pg.Found)
	}
	if pg.Next != "2025-01-28T00:00:00.500Z" {
		t.Errorf("Next = %q", pg.Next)
	}
}

func TestEngagement(t *testing.T) {
	f, p := newFixtures(t, func(nsid string, q url.Values) reply {
		switch nsid {
		case "app.bsky.feed.getRepostedBy":
			return reply{file: "getRepostedBy.json"}
		case "app.bsky.feed.getQuotes":
			return reply{file: "getQuotes.json"}
		case "app.bsky.feed.getLikes":
			return reply{file: "getLikes.json"}
		case "app.bsky.feed.getPostThread":
			return reply{file: "getPostThread.json"}
		}
		return reply{status: 501, file: "error_ratelimit.json"}
	})
	ctx := context.Background()
	reply1 := "at://" + why + "/app.bsky.feed.post/3lgvreply12x"
	self := "at://" + bsky + "/app.bsky.feed.post/3lgvselfre2x"
	tests := []struct {
		ep        crawl.Endpoint
		nsid      string
		query     url.Values
		edges     []graph.Edge
		found     []string
		next      string
		ownerless bool // Task.Owner left empty: taken from the URI
	}{
		{
			ep: crawl.RepostedBy, nsid: "app.bsky.feed.getRepostedBy",
			query: url.Values{"uri": {pinned}, "limit": {"100"}},
			edges: []graph.Edge{
				{Platform: Name, Src: why, Dst: bsky, Kind: graph.Repost, PostID: pinned},
				{Platform: Name, Src: pfrazee, Dst: bsky, Kind: graph.Repost, PostID: pinned},
			},
			found: []string{why, pfrazee}, next: "3lgv7stqxal2c",
		},
		{
			ep: crawl.Quotes, nsid: "app.bsky.feed.getQuotes",
			query: url.Values{"uri": {pinned}, "limit": {"100"}},
			edges: []graph.Edge{
				{Platform: Name, Src: why, Dst: bsky, Kind: graph.Quote, At: mustTime(t, "2025-01-29T18:00:00Z"),
					PostID: "at://" + why + "/app.bsky.feed.post/3lgvquote12x", Hashtags: []string{"feeds"}},
				// A record of the wrong shape ("text": 17, createdAt not a
				// date) still yields the event, at indexedAt.
				{Platform: Name, Src: pfrazee, Dst: bsky, Kind: graph.Quote, At: mustTime(t, "2025-01-30T08:00:00Z"),
					PostID: "at://" + pfrazee + "/app.bsky.feed.post/3lgvquote22x"},
			},
			found: []string{why, pfrazee}, ownerless: true,
		},
		{
			ep: crawl.Likes, nsid: "app.bsky.feed.getLikes",
			query: url.Values{"uri": {pinned}, "limit": {"100"}},
			edges: []graph.Edge{
				{Platform: Name, Src: why, Dst: bsky, Kind: graph.Like, At: mustTime(t, "2025-01-29T17:04:59.900Z"), PostID: pinned},
				// createdAt in 2030: the like's indexedAt.
				{Platform: Name, Src: pfrazee, Dst: bsky, Kind: graph.Like, At: mustTime(t, "2025-01-29T17:06:00Z"), PostID: pinned},
			},
			found: []string{why, pfrazee}, next: "3lgv7xlikes2c",
		},
		{
			ep: crawl.Replies, nsid: "app.bsky.feed.getPostThread",
			query: url.Values{"uri": {pinned}, "depth": {"1"}, "parentHeight": {"0"}},
			edges: []graph.Edge{
				{Platform: Name, Src: why, Dst: bsky, Kind: graph.Reply, At: mustTime(t, "2025-01-29T17:10:00Z"), PostID: reply1, Hashtags: []string{"feeds"}},
				// The author's own thread reply is a self-loop; the store drops it.
				{Platform: Name, Src: bsky, Dst: bsky, Kind: graph.Reply, At: mustTime(t, "2025-01-29T17:20:00Z"), PostID: self},
			},
			found: []string{why, bsky},
		},
	}
	for i, tc := range tests {
		t.Run(string(tc.ep), func(t *testing.T) {
			task := crawl.Task{Endpoint: tc.ep, Subject: pinned, Owner: bsky}
			if tc.ownerless {
				task.Owner = ""
			}
			pg, err := p.Fetch(ctx, task, "")
			if err != nil {
				t.Fatal(err)
			}
			wantQuery(t, f.queries()[i], tc.nsid, tc.query)
			edgesEqual(t, pg.Edges, tc.edges)
			if !slices.Equal(pg.Found, tc.found) || pg.Next != tc.next || len(pg.Posts) != 0 {
				t.Errorf("Found %v Next %q Posts %v; want %v %q none", pg.Found, pg.Next, pg.Posts, tc.found, tc.next)
			}
		})
	}
	if _, err := p.Fetch(ctx, crawl.Task{Endpoint: crawl.Likes, Subject: "at://bsky.app/app.bsky.feed.post/x"}, ""); err == nil {
		t.Error("a handle-based post URI with no owner: no error")
	}
}

func TestProfiles(t *testing.T) {
	f, p := newFixtures(t, func(string, url.Values) reply { return reply{file: "getProfiles.json"} })
	in := []string{atproto, bsky, invalidH, "did:plc:missing00000000000000000", bsky, "not-a-did"}
	for i := range 26 {
		in = append(in, "did:plc:filler"+string(rune('a'+i)))
	}
	got, err := p.Profiles(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	qs := f.queries()
	if len(qs) != 2 {
		t.Fatalf("%d requests for 30 distinct DIDs, want 2", len(qs))
	}
	if n := len(qs[0].Query()["actors"]); n != 25 {
		t.Errorf("first call asks %d actors, want 25", n)
	}
	if n := len(qs[1].Query()["actors"]); n != 5 {
		t.Errorf("second call asks %d actors, want 5", n)
	}
	// Both calls answer the same fixture: each DID is returned once, the
	// unrequested one never.
	want := []graph.Account{
		{Platform: Name, Key: atproto, Handle: "atproto.com", Name: "AT Protocol Developers", Followers: 198422, Following: 9, Posts: 312},
		{Platform: Name, Key: bsky, Handle: "bsky.app", Name: "Bluesky", Followers: 32931004, Following: 6, Posts: 683},
		{Platform: Name, Key: invalidH, Followers: 12, Following: 0, Posts: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Profiles =\n%+v\nwant\n%+v", got, want)
	}
}

func TestResolve(t *testing.T) {
	f, p := newFixtures(t, func(nsid string, q url.Values) reply {
		switch q.Get("actor") {
		case "bsky.app", bsky:
			return reply{file: "getProfile.json"}
		case "gone.bsky.social":
			return reply{status: 400, file: "error_profile_not_found.json"}
		case "banned.bsky.social":
			return reply{status: 400, file: "error_takedown.json"}
		case "did:plc:other0000000000000000000":
			return reply{file: "getProfile.json"}
		}
		return reply{status: 502, body: "<html><body>502 Bad Gateway</body></html>", header: map[string][]string{"Content-Type": {"text/html"}}}
	})
	want := graph.Account{Platform: Name, Key: bsky, Handle: "bsky.app", Name: "Bluesky", Followers: 32931004, Following: 6, Posts: 683}
	for _, seed := range []string{"bsky.app", "@bsky.app", " BSKY.app ", bsky, "https://bsky.app/profile/bsky.app", "at://" + bsky} {
		got, err := p.Resolve(context.Background(), seed)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %+v, %v; want %+v", seed, got, err, want)
		}
	}
	if q := f.queries()[2].Query(); q.Get("actor") != "bsky.app" {
		t.Errorf("handle sent as %q, want lower-cased", q.Get("actor"))
	}
	bad := []struct {
		seed     string
		noAcct   bool
		requests bool
	}{
		{"alice", false, false},
		{"did:plc:", false, false},
		{"@", false, false},
		{"not a handle.com", false, false},
		{"gone.bsky.social", true, true},
		{"banned.bsky.social", true, true},
		{"did:plc:other0000000000000000000", false, true}, // answered for another DID
		{"flaky.bsky.social", false, true},
	}
	for _, tc := range bad {
		before := len(f.queries())
		_, err := p.Resolve(context.Background(), tc.seed)
		if err == nil {
			t.Errorf("Resolve(%q): no error", tc.seed)
			continue
		}
		if got := errorsIsNoAccount(err); got != tc.noAcct {
			t.Errorf("Resolve(%q) = %v: ErrNoAccount %v, want %v", tc.seed, err, got, tc.noAcct)
		}
		if !contains(err.Error(), tc.seed) {
			t.Errorf("Resolve(%q) error %q does not name the seed", tc.seed, err)
		}
		if made := len(f.queries()) > before; made != tc.requests {
			t.Errorf("Resolve(%q): made a request %v, want %v", tc.seed, made, tc.requests)
		}
	}
}

func TestFetchVanishedActor(t *testing.T) {
	_, p := newFixtures(t, func(string, url.Values) reply {
		return reply{status: 400, file: "error_actor_not_found.json"}
	})
	_, err := p.Fetch(context.Background(), crawl.Task{Endpoint: crawl.Followers, Subject: "did:plc:gone000000000000000000000"}, "")
	var he *crawl.HTTPError
	if !asHTTPError(err, &he) || he.Status != 400 || he.Code != "InvalidRequest" || he.Temporary {
		t.Fatalf("err = %v (%+v): want a permanent 400 InvalidRequest", err, he)
	}
	if !contains(err.Error(), "followers of did:plc:gone") {
		t.Errorf("error %q does not name the task", err)
	}
}

func TestNew(t *testing.T) {
	c := crawl.NewClient(crawl.ClientConfig{})
	for api, want := range map[string]string{
		"":                                DefaultAPI,
		"http://127.0.0.1:8080/":          "http://127.0.0.1:8080",
		"https://appview.example/prefix/": "https://appview.example/prefix",
	} {
		p, err := New(c, Config{API: api})
		if err != nil || p.base != want {
			t.Errorf("New(%q): base %v, %v; want %q", api, p, err, want)
		}
	}
	for _, api := range []string{"ftp://x", "public.api.bsky.app", "http://", "https://h/?q=1", "::"} {
		if _, err := New(c, Config{API: api}); err == nil {
			t.Errorf("New(%q): no error", api)
		}
	}
	if _, err := New(nil, Config{}); err == nil {
		t.Error("New(nil client): no error")
	}
	p, _ := New(c, Config{})
	if p.Name() != "bluesky" || p.ProfileBatch() != 25 || len(p.Capabilities()) != 7 {
		t.Errorf("Name %q ProfileBatch %d Capabilities %v", p.Name(), p.ProfileBatch(), p.Capabilities())
	}
	if _, err := p.Fetch(context.Background(), crawl.Task{Endpoint: "nope"}, ""); err == nil {
		t.Error("unknown endpoint: no error")
	}
}

func TestSortAt(t *testing.T) {
	tests := []struct {
		created, indexed string
		want             string // "" = zero
	}{
		{"2025-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z", "2025-01-01T00:00:00Z"},
		{"2099-01-01T00:00:00.000Z", "2025-01-01T00:00:01.000Z", "2025-01-01T00:00:01Z"},
		{"2025-01-01T02:00:00+02:00", "2025-01-01T00:00:01Z", "2025-01-01T00:00:00Z"},
		{"2025-01-01T00:00:00.123456", "", "2025-01-01T00:00:00.123456Z"}, // no zone: UTC
		{"garbage", "2025-01-01T00:00:01.5Z", "2025-01-01T00:00:01.5Z"},
		{"", "", ""},
	}
	for _, tc := range tests {
		got := sortAt(tc.created, tc.indexed)
		var want time.Time
		if tc.want != "" {
			want = mustTime(t, tc.want)
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("sortAt(%q, %q) = %v, want %v UTC", tc.created, tc.indexed, got, want)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	for s, want := range map[string]bool{
		bsky: true, "did:web:example.com": true, "did:web:localhost%3A8080": true,
		"did:plc:": false, "did::x": false, "did:PLC:x": false, "did:plc:a b": false, "did:plc:x:": false, "at://x": false,
	} {
		if IsDID(s) != want {
			t.Errorf("IsDID(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{
		"bsky.app": true, "user123.test": true, "a-b.c-d.example": true,
		"alice": false, "-a.com": false, "a..com": false, "a.123": false, "al ice.com": false,
	} {
		if isHandle(s) != want {
			t.Errorf("isHandle(%q) = %v", s, !want)
		}
	}
	for uri, want := range map[string]string{
		pinned: bsky,
		"at://" + bsky + "/app.bsky.feed.generator/x": "",
		"at://bsky.app/app.bsky.feed.post/x":          "",
		"at://" + bsky + "/app.bsky.feed.post/":       "",
		"https://bsky.app":                            "",
	} {
		if got := postDID(uri); got != want {
			t.Errorf("postDID(%q) = %q, want %q", uri, got, want)
		}
	}
}
