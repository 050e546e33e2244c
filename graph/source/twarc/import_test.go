package twarc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

const fixtures = "../../../testdata/twarc"

// Users of the v1.1 fixture. Erin's id is 2^53+1: read through a float64 it
// would become ...992.
const (
	alice = "1221317221714157569"
	bob   = "68401342"
	carol = "601852746"
	dave  = "3026521093"
	erin  = "9007199254740993"
)

// Users of the v2 fixtures.
const (
	u1 = "1352661060663336960" // Alexandravm12
	u2 = "2718660392"          // williamserafino
	u3 = "4602771083"          // blackheart_265
	u4 = "601852746"           // PoliceMutual
	u5 = "1147535159102590976" // HeyokaEmpath01
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ed(src, dst string, k graph.Kind, when, post string, tags ...string) graph.Edge {
	e := graph.Edge{Platform: "twitter", Src: src, Dst: dst, Kind: k, PostID: post}
	if when != "" {
		e.At = at(when)
	}
	if len(tags) > 0 {
		e.Hashtags = tags
	}
	return e
}

func acct(key, handle, name string, followers, following, posts int64) graph.Account {
	return graph.Account{Platform: "twitter", Key: key, Handle: handle, Name: name,
		Followers: followers, Following: following, Posts: posts}
}

func importFile(t *testing.T, name string, o source.Options) (*recorder, stats, error) {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec := &recorder{}
	o.Name = name
	st, err := run(context.Background(), f, o, rec)
	return rec, st, err
}

func TestFixtures(t *testing.T) {
	v2users := map[string]graph.Account{
		u1: acct(u1, "Alexandravm12", "Alexandra Machado", 58, 49, 14483),
		u2: acct(u2, "williamserafino", "William Serafino", 28341, 600, 7397),
		u3: acct(u3, "blackheart_265", "Endangered Species", 881, 499, 7374),
		u4: acct(u4, "PoliceMutual", "Police Mutual", 8227, 2957, 24920),
		u5: acct(u5, "HeyokaEmpath01", "Heyoka", 4763, 4854, 8542),
	}
	pick := func(keys ...string) map[string]graph.Account {
		m := make(map[string]graph.Account)
		for _, k := range keys {
			m[k] = v2users[k]
		}
		return m
	}
	follow := func(src, dst string) graph.Edge {
		return graph.Edge{Platform: "twitter", Src: src, Dst: dst, Kind: graph.Follow}
	}
	followers := map[string]graph.Account{
		"119369819":           acct("119369819", "DoDirty78", "DoDirtysHouse", 580, 518, 55186),
		"95500726":            acct("95500726", "jduc_hoang", "Johnny Duc Hoang", 164, 511, 697),
		"1114981830799659009": acct("1114981830799659009", "GamestopLaguna", "GameStop Laguna", 2, 2, 165),
	}

	tests := []struct {
		file     string
		edges    []graph.Edge
		accounts map[string]graph.Account
		stats    stats
	}{
		{
			file: "v1.jsonl",
			edges: []graph.Edge{
				ed(bob, carol, graph.Mention, "2018-10-10T20:19:24Z", "1050118621198921728", "foo", "bar"),
				ed(bob, dave, graph.Mention, "2018-10-10T20:19:24Z", "1050118621198921728", "foo", "bar"),
				// A retweet: only the repost, to the original author, with
				// the original's hashtags; no mention of alice, carol, erin.
				ed(dave, alice, graph.Repost, "2018-10-10T20:20:00Z", "1050118621198921729", "climate"),
				ed(carol, erin, graph.Quote, "2018-10-10T21:00:00Z", "1050118621198921730"),
				ed(carol, bob, graph.Mention, "2018-10-10T21:00:00Z", "1050118621198921730"),
				ed(erin, bob, graph.Reply, "2018-10-11T08:00:00Z", "1050118621198921731"),
				ed(erin, bob, graph.Mention, "2018-10-11T08:00:00Z", "1050118621198921731"),
				ed(erin, alice, graph.Mention, "2018-10-11T08:00:00Z", "1050118621198921731"),
				// Compat mode: entities of extended_tweet, not the truncated ones.
				ed(alice, bob, graph.Mention, "2018-10-11T09:00:00Z", "1050118621198921732", "longread"),
				ed(alice, carol, graph.Mention, "2018-10-11T09:00:00Z", "1050118621198921732", "longread"),
				// Self-reply and self-mention dropped.
				ed(alice, dave, graph.Mention, "2018-10-11T09:01:00Z", "1050118621198921733"),
			},
			accounts: map[string]graph.Account{
				alice: acct(alice, "alice_a", "Alice A", 569, 457, 12978),
				bob:   acct(bob, "bob_b", "Bob B", 1686, 1550, 64138),
				carol: acct(carol, "CarolC", "Carol C", 8227, 2957, 24920),
				dave:  acct(dave, "dave_d", "Dave D", 837, 526, 96025),
				erin:  acct(erin, "erin", "Erin", 0, 12, 7),
			},
			stats: stats{notices: 1},
		},
		{
			file: "page.jsonl",
			edges: []graph.Edge{
				ed(u1, u2, graph.Repost, "2021-04-08T19:34:16Z", "1380242611781386245", "rusia"),
				// Quoted tweet missing from includes: no quote edge.
				// Mention without id resolved by username, case-insensitively.
				ed(u3, u4, graph.Mention, "2021-04-08T19:35:00Z", "1380242611781386246"),
				ed(u4, u1, graph.Reply, "2021-04-08T19:36:00Z", "1380242611781386247", "go"),
				ed(u4, u1, graph.Mention, "2021-04-08T19:36:00Z", "1380242611781386247", "go"),
				// Reply target from the replied_to tweet's author.
				ed(u5, u3, graph.Reply, "2021-04-08T19:37:00Z", "1380242611781386248"),
				ed(u5, u3, graph.Mention, "2021-04-08T19:37:00Z", "1380242611781386248"),
				ed(u2, u3, graph.Quote, "2021-04-08T19:38:00Z", "1380242611781386249"),
				// Original missing: the "RT @x" mention at offset 3.
				ed(u5, u4, graph.Repost, "2021-04-08T19:39:00Z", "1380242611781386250"),
			},
			accounts: pick(u1, u2, u3, u4, u5),
			stats:    stats{unresolvedMentions: 1, unresolvedRefs: 1},
		},
		{
			file: "flattened.jsonl",
			edges: []graph.Edge{
				ed(u1, u2, graph.Repost, "2021-04-08T19:34:16Z", "1380242611781386245", "rusia"),
				ed(u4, u1, graph.Reply, "2021-04-08T19:36:00Z", "1380242611781386247", "go"),
				ed(u4, u1, graph.Mention, "2021-04-08T19:36:00Z", "1380242611781386247", "go"),
				ed(u3, u4, graph.Mention, "2021-04-08T19:35:00Z", "1380242611781386246"),
				ed(u3, u4, graph.Quote, "2021-04-01T15:52:31Z", "1377650090978992134"),
			},
			accounts: pick(u1, u2, u3, u4),
			stats:    stats{unresolvedRefs: 1},
		},
		{
			file: "stream.jsonl",
			edges: []graph.Edge{
				ed("3026521093", u4, graph.Reply, "2021-04-01T15:52:32Z", "1377650093109743620"),
				ed("3026521093", u4, graph.Mention, "2021-04-01T15:52:32Z", "1377650093109743620"),
			},
			accounts: map[string]graph.Account{
				"3026521093": acct("3026521093", "sheelaghb18", "Sheelagh Brownlee", 837, 526, 96025),
				u4:           v2users[u4],
				"387869763":  acct("387869763", "OpenMindMH", "Rachel", 4485, 2934, 51498),
			},
		},
		{
			file: "followers.jsonl",
			edges: []graph.Edge{
				follow("119369819", "12345"),
				follow("95500726", "12345"),
				follow("1114981830799659009", "12345"),
			},
			accounts: followers,
		},
		{
			file: "following.jsonl",
			edges: []graph.Edge{
				follow("12345", "119369819"),
				follow("12345", "95500726"),
				follow("12345", "1114981830799659009"),
				// The flattened user whose __twarc.url is /users/777/following.
				follow("777", "1114981830799659009"),
			},
			accounts: followers,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec, st, err := importFile(t, tt.file, source.Options{Platform: "ignored", Kind: graph.Like})
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.edges) != len(tt.edges) {
				t.Errorf("got %d edges, want %d", len(rec.edges), len(tt.edges))
			}
			for i := 0; i < max(len(rec.edges), len(tt.edges)); i++ {
				var got, want graph.Edge
				if i < len(rec.edges) {
					got = rec.edges[i]
				}
				if i < len(tt.edges) {
					want = tt.edges[i]
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("edge %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
			if got := rec.merged(); !reflect.DeepEqual(got, tt.accounts) {
				t.Errorf("accounts:\n got %+v\nwant %+v", got, tt.accounts)
			}
			if st != tt.stats {
				t.Errorf("stats %+v, want %+v", st, tt.stats)
			}
		})
	}
}

// TestStreamAccountsExact checks every distinct account sent, not just the
// merged result: user objects with their counts, and nothing for mention
// entities that carry no id.
func TestStreamAccountsExact(t *testing.T) {
	rec, _, err := importFile(t, "stream.jsonl", source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Account{
		acct("3026521093", "sheelaghb18", "Sheelagh Brownlee", 837, 526, 96025),
		acct("387869763", "OpenMindMH", "Rachel", 4485, 2934, 51498),
		acct(u4, "PoliceMutual", "Police Mutual", 8227, 2957, 24920),
	}
	if got := rec.distinct(); !reflect.DeepEqual(got, want) {
		t.Errorf("accounts:\n got %+v\nwant %+v", got, want)
	}
	if len(rec.accounts) != 3 {
		t.Errorf("%d Account calls, want 3 (one per user per line)", len(rec.accounts))
	}
}

// TestV1MentionAccounts checks that v1.1 mention entities and the
// in_reply_to fields give handle-only accounts with unknown counts.
func TestV1MentionAccounts(t *testing.T) {
	rec, _, err := importFile(t, "v1.jsonl", source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Account{Platform: "twitter", Key: erin, Handle: "erin", Name: "Erin",
		Followers: graph.Unknown, Following: graph.Unknown, Posts: graph.Unknown}
	reply := graph.Account{Platform: "twitter", Key: bob, Handle: "bob_b",
		Followers: graph.Unknown, Following: graph.Unknown, Posts: graph.Unknown}
	var sawMention, sawReply bool
	for _, a := range rec.accounts {
		sawMention = sawMention || a == want
		sawReply = sawReply || a == reply
	}
	if !sawMention {
		t.Errorf("no account %+v from a mention entity", want)
	}
	if !sawReply {
		t.Errorf("no account %+v from in_reply_to_screen_name", reply)
	}
}

// fixtureLines returns the non-blank lines of a fixture.
func fixtureLines(name string) ([][]byte, error) {
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// Accounts carry when they were observed, as the data says: twarc's
// retrieved_at where the line has it, else the tweet's created_at; so that
// of several observations of one user the store keeps the latest.
func TestAccountsCarryTheirObservationTime(t *testing.T) {
	for _, tc := range []struct {
		file, key string
		want      time.Time
	}{
		{"flattened.jsonl", "2718660392", time.Date(2021, 4, 8, 19, 34, 32, 0, time.UTC)}, // __twarc.retrieved_at
		{"v1.jsonl", erin, time.Date(2018, 10, 10, 20, 20, 0, 0, time.UTC)},               // the created_at of the first v1.1 tweet naming erin
		{"followers.jsonl", "95500726", time.Date(2021, 10, 14, 19, 4, 49, 0, time.UTC)},  // a followers page's retrieved_at
	} {
		rec, _, err := importFile(t, tc.file, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := rec.seen[tc.key]
		if len(got) == 0 || !got[0].Equal(tc.want) {
			t.Errorf("%s: account %s seen at %v, want %v", tc.file, tc.key, got, tc.want)
		}
	}
}
