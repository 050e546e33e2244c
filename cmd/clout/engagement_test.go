package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
)

// twarcDB imports the bundled twarc v1.1 fixture.
func twarcDB(t *testing.T, files ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "twarc.db")
	args := []string{"--db", db, "import", "twarc"}
	for _, f := range files {
		args = append(args, repoFile("testdata", "twarc", f))
	}
	if _, errOut, code := cli(t, "", args...); code != 0 {
		t.Fatalf("import exited %d: %s", code, errOut)
	}
	return db
}

// engagementRow is what one account of the v1.1 fixture received and
// posted, counted by hand from the fixture's tweets (the edges listed in
// graph/source/twarc's TestFixtures, and the posts of TestFixturePosts).
type engagementRow struct {
	reposts, quotes, replies, mentions, likes, engagers, posts int
	followers                                                  int64 // reported
}

func (r engagementRow) weighted() float64 {
	return float64(r.reposts) + float64(r.quotes) + 0.5*float64(r.replies) + 0.5*float64(r.mentions) + 0.25*float64(r.likes)
}

func checkEngagement(t *testing.T, out string, want map[string]engagementRow) {
	t.Helper()
	rows := readCSV(t, out)
	seen := 0
	for _, r := range rows {
		w, ok := want[r["account"]]
		if !ok {
			continue
		}
		seen++
		for col, v := range map[string]int{"reposts": w.reposts, "quotes": w.quotes, "replies": w.replies,
			"mentions": w.mentions, "likes": w.likes, "engagers": w.engagers, "posts": w.posts} {
			if r[col] != strconv.Itoa(v) {
				t.Errorf("%s: %s = %q, want %d", r["account"], col, r[col], v)
			}
		}
		rate, amp, per1k := math.NaN(), math.NaN(), math.NaN()
		if w.posts > 0 {
			rate = w.weighted() / float64(w.posts)
			amp = float64(w.reposts+w.quotes) / float64(w.posts)
		}
		if w.followers > 0 {
			per1k = 1000 * w.weighted() / float64(w.followers)
		}
		for col, v := range map[string]float64{"engagement_rate": rate, "amplification": amp, "per_1k_followers": per1k} {
			got := r[col]
			if math.IsNaN(v) {
				if got != "" {
					t.Errorf("%s: %s = %q, want empty", r["account"], col, got)
				}
				continue
			}
			f, err := strconv.ParseFloat(got, 64)
			if err != nil || math.Abs(f-v) > 1e-12 {
				t.Errorf("%s: %s = %q, want %g", r["account"], col, got, v)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d of %d expected accounts in the output:\n%s", seen, len(want), out)
	}
}

func TestRankEngagementOnTwarc(t *testing.T) {
	db := twarcDB(t, "v1.jsonl")
	out, errOut, code := cli(t, "", "--db", db, "rank", "--format", "csv", "--top", "0")
	if code != 0 {
		t.Fatalf("rank exited %d: %s", code, errOut)
	}
	// bob→carol, bob→dave mentions; dave reposts alice; carol quotes erin
	// and mentions bob; erin replies to bob and mentions bob and alice;
	// alice mentions bob, carol, dave. Posts (not reposts): alice 3 (her
	// original retweeted by dave, 732, 733), bob 1, carol 1, erin 2 (her
	// quoted original, 731), dave 0 (his one tweet is a retweet).
	checkEngagement(t, out, map[string]engagementRow{
		"alice_a": {reposts: 1, mentions: 1, engagers: 2, posts: 3, followers: 569},
		"bob_b":   {replies: 1, mentions: 3, engagers: 3, posts: 1, followers: 1686},
		"CarolC":  {mentions: 2, engagers: 2, posts: 1, followers: 8227},
		"dave_d":  {mentions: 2, engagers: 2, posts: 0, followers: 837},
		"erin":    {quotes: 1, engagers: 1, posts: 2, followers: 0},
	})
	if want := "rank,account,name,platform,pagerank,followers,reported_followers,reach2,reposts,quotes,replies,mentions,likes,engagers,posts,engagement_rate,amplification,per_1k_followers,"; !strings.HasPrefix(out, want) {
		t.Errorf("header %q, want %q", strings.SplitN(out, "\n", 2)[0], want)
	}
}

func TestRankTopicOnTwarc(t *testing.T) {
	db := twarcDB(t, "v1.jsonl", "page.jsonl")
	tests := []struct {
		topic string
		want  map[string]engagementRow
		seeds []string // handles PageRank is personalized on
	}{
		{
			// #foo: bob's post 728 (its two mentions) and erin's reply to it
			// (the reply and its two mentions), which has no tag itself.
			topic: "#FOO",
			want: map[string]engagementRow{
				"bob_b": {replies: 1, mentions: 1, engagers: 1, posts: 1, followers: 1686},
				// carol's id is also PoliceMutual's in page.jsonl: its handle.
				"PoliceMutual": {mentions: 1, engagers: 1, followers: 8227},
				"dave_d":       {mentions: 1, engagers: 1, followers: 837},
				"alice_a":      {mentions: 1, engagers: 1, followers: 569},
				"erin":         {},
			},
			seeds: []string{"bob_b"},
		},
		{
			// #climate: dave's retweet of alice's original, both tagged.
			topic: "climate",
			want: map[string]engagementRow{
				"alice_a": {reposts: 1, engagers: 1, posts: 1, followers: 569},
				"dave_d":  {followers: 837},
				// bob_b took no part in #climate: a topic lists its participants only.
			},
			seeds: []string{"alice_a", "dave_d"},
		},
		{
			// #rusia (page.jsonl): a retweet of an original that is only in
			// includes.tweets; both carry the tag.
			topic: "#Rusia",
			want: map[string]engagementRow{
				"williamserafino": {reposts: 1, engagers: 1, posts: 1, followers: 28341},
				"Alexandravm12":   {followers: 58},
			},
			seeds: []string{"Alexandravm12", "williamserafino"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			out, errOut, code := cli(t, "", "--db", db, "rank", "--format", "csv", "--top", "0", "--topic", tt.topic)
			if code != 0 {
				t.Fatalf("rank exited %d: %s", code, errOut)
			}
			checkEngagement(t, out, tt.want)
			// PageRank is the topic layer's, personalized on the seeds.
			want := personalizedPageRank(t, db, tt.topic, tt.seeds)
			for _, r := range readCSV(t, out) {
				got, _ := strconv.ParseFloat(r["pagerank"], 64)
				if w := want[r["account"]]; math.Abs(got-w) > 1e-9 {
					t.Errorf("%s: pagerank %g, want %g", r["account"], got, w)
				}
			}
		})
	}
}

// personalizedPageRank computes, without rank, PageRank on the topic layer
// with teleport on the accounts handles name.
func personalizedPageRank(t *testing.T, db, topic string, handles []string) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, db, store.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, _ := parseWeights("")
	layer := store.Layer{Weights: map[graph.Kind]float64{}, Topics: []string{topic}}
	for _, k := range graph.InteractionKinds() {
		layer.Weights[k] = w[k]
	}
	l, err := s.LoadGraph(ctx, layer)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := s.Accounts(ctx, l.IDs)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(infos))
	for i, a := range infos {
		for _, h := range handles {
			if a.Handle == h {
				v[i] = 1
			}
		}
	}
	pr, err := influence.PageRank(ctx, l.Graph, influence.PageRankOptions{Teleport: v})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for i, a := range infos {
		out[a.Label()] = pr.Scores[i]
	}
	return out
}

func TestRankSeedsAndMinPosts(t *testing.T) {
	db := twarcDB(t, "v1.jsonl")
	seedFile := filepath.Join(t.TempDir(), "seeds.txt")
	writeFile(t, seedFile, "# seeds\n\nalice_a\n")
	a, errOut, code := cli(t, "", "--db", db, "rank", "--format", "csv", "--seed", "erin", "--seed-file", seedFile)
	if code != 0 {
		t.Fatalf("rank exited %d: %s", code, errOut)
	}
	b, _, _ := cli(t, "alice_a\nerin\n", "--db", db, "rank", "--format", "csv", "--seed-file", "-")
	if a != b {
		t.Errorf("--seed + --seed-file and --seed-file - differ:\n%s\n%s", a, b)
	}
	rows := readCSV(t, a)
	if rows[0]["account"] == "" {
		t.Fatal(a)
	}
	out, _, code := cli(t, "", "--db", db, "rank", "--format", "csv", "--min-posts", "2")
	if code != 0 {
		t.Fatal(out)
	}
	var kept []string
	for _, r := range readCSV(t, out) {
		kept = append(kept, r["account"])
	}
	if fmt.Sprint(kept) != "[erin alice_a]" && fmt.Sprint(kept) != "[alice_a erin]" {
		t.Errorf("--min-posts 2 kept %v, want alice_a and erin", kept)
	}
	for _, bad := range [][]string{{"--seed", "nobody"}, {"--topic", "#"}, {"--topic", "x", "--layer", "follow"}, {"--min-posts", "-1"}} {
		_, errOut, code := cli(t, "", append([]string{"--db", db, "rank"}, bad...)...)
		if code == 0 || errOut == "" {
			t.Errorf("rank %v exited %d (%q), want an error", bad, code, errOut)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
