package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func runExplainOut(t *testing.T, opts ExplainOptions) ([]map[string]string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &IOStreams{Out: &out, ErrOut: &errOut}
	if opts.Sel.Weights == "" {
		opts.Sel = SelectionFlags{Layer: opts.Sel.Layer, Weights: defaultWeights, Damping: 0.85, Tol: 1e-13, MaxIter: 1000,
			Since: opts.Sel.Since, Until: opts.Sel.Until}
	}
	if opts.Format == "" {
		opts.Format = "csv"
	}
	err := runExplain(context.Background(), &opts)
	if err != nil {
		return nil, errOut.String(), err
	}
	return readCSV(t, out.String()), errOut.String(), nil
}

func explainFind(rows []map[string]string, section, item string) map[string]string {
	for _, r := range rows {
		if r["section"] == section && r["item"] == item {
			return r
		}
	}
	return nil
}

// TestExplainPolblogsContributions recomputes the PageRank contributions of
// dailykos.com's in-neighbours from the edge list and networkx's reference
// PageRank: x(u)·1/outdeg(u)·0.85.
func TestExplainPolblogsContributions(t *testing.T) {
	db := polblogsDB(t)
	rows, _, err := runExplainOut(t, ExplainOptions{DB: db, Account: "dailykos.com", Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(repoFile("testdata", "polblogs", "polblogs-reference.csv"))
	defer f.Close()
	recs, _ := csv.NewReader(f).ReadAll()
	pr := map[string]float64{}
	for _, r := range recs[1:] {
		pr[strings.TrimSpace(r[0])], _ = strconv.ParseFloat(r[1], 64)
	}
	fol := polblogsFollowers(t)
	outdeg := map[string]int{}
	for _, set := range fol {
		for u := range set {
			outdeg[u]++
		}
	}
	var sum float64
	best, bestC := "", 0.0
	for u := range fol["dailykos.com"] {
		c := pr[u] / float64(outdeg[u]) * 0.85
		sum += c
		if c > bestC {
			best, bestC = u, c
		}
	}
	var firstIn map[string]string
	for _, r := range rows {
		if r["section"] == "pagerank_in" {
			firstIn = r
			break
		}
	}
	got, _ := strconv.ParseFloat(firstIn["value"], 64)
	if firstIn["item"] != best || math.Abs(got-bestC) > 1e-9 {
		t.Errorf("top contributor %v, want %s with %v", firstIn, best, bestC)
	}
	all := explainFind(rows, "pagerank_in", "(all in-neighbours)")
	if gs, _ := strconv.ParseFloat(all["value"], 64); math.Abs(gs-sum) > 1e-9 {
		t.Errorf("sum of contributions %v, want %v", gs, sum)
	}
	rest := explainFind(rows, "pagerank_in", "(teleport and dangling)")
	gr, _ := strconv.ParseFloat(rest["value"], 64)
	if math.Abs(sum+gr-pr["dailykos.com"]) > 1e-9 {
		t.Errorf("contributions %v + rest %v ≠ pagerank %v", sum, gr, pr["dailykos.com"])
	}
	listed := 0
	for _, r := range rows {
		if r["section"] == "pagerank_in" && !strings.HasPrefix(r["item"], "(") {
			listed++
		}
	}
	if listed != 5 {
		t.Errorf("%d in-neighbours listed, want --top 5", listed)
	}
	for _, tc := range []struct{ section, item, value, pct, rank string }{
		{"measure", "pagerank", "", "100", "1"},
		{"measure", "followers", "337", "100", "1"},
		{"measure", "reach2", "830", "100", "1"},
		{"follow", "followers", "337", "", ""},
		{"follow", "following", "46", "", ""},
		{"window", "layer", "follow", "", ""},
	} {
		r := explainFind(rows, tc.section, tc.item)
		if r == nil || (tc.value != "" && r["value"] != tc.value) || r["percentile"] != tc.pct || r["rank"] != tc.rank {
			t.Errorf("%s/%s: %v, want value %q percentile %q rank %q", tc.section, tc.item, r, tc.value, tc.pct, tc.rank)
		}
	}
	if r := explainFind(rows, "measure", "reported_followers"); r == nil || r["value"] != "" || r["percentile"] != "" {
		t.Errorf("reported_followers (unknown): %v", r)
	}
}

func TestExplainEngagementMixAndWindow(t *testing.T) {
	db := eventsDB(t)
	for _, tc := range []struct {
		name  string
		since string
		want  map[string]string
	}{
		// b receives a repost (a), a reply (d) and a like (e) on days 1-7
		// and a like (f) on days 8-14.
		{"all time", "", map[string]string{"repost": "7", "reply": "7", "like": "14", "quote": "0", "(total)": "28"}},
		{"second week", "2024-01-08", map[string]string{"repost": "0", "reply": "0", "like": "7", "(total)": "7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, err := runExplainOut(t, ExplainOptions{DB: db, Account: "b", Top: 3, Sel: SelectionFlags{Since: tc.since}})
			if err != nil {
				t.Fatal(err)
			}
			for item, want := range tc.want {
				if r := explainFind(rows, "engagement", item); r == nil || r["value"] != want {
					t.Errorf("engagement %s: %v, want %s", item, r, want)
				}
			}
			if r := explainFind(rows, "window", "since"); tc.since != "" && !strings.HasPrefix(r["value"], tc.since) {
				t.Errorf("window since: %v", r)
			}
			if r := explainFind(rows, "window", "layer"); r["value"] != "engagement" {
				t.Errorf("default layer with events: %v", r)
			}
		})
	}
	rows, _, _ := runExplainOut(t, ExplainOptions{DB: db, Account: "b", Top: 3})
	if r := explainFind(rows, "engagement", "like"); r["share"] != "0.5" {
		t.Errorf("like share of b's engagement: %v, want 0.5", r)
	}
	if r := explainFind(rows, "follow", "followers/following"); r["value"] != "5" {
		t.Errorf("b: 5 followers, follows 1: %v", r)
	}
}

func TestExplainErrors(t *testing.T) {
	db := polblogsDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no account", []string{"explain"}, 2, "missing ACCOUNT"},
		{"two accounts", []string{"explain", "dailykos.com", "instapundit.com"}, 2, "one ACCOUNT"},
		{"unknown", []string{"explain", "nope.example"}, 1, `no account matches "nope.example"`},
		{"bad top", []string{"explain", "dailykos.com", "--top", "-1"}, 2, "--top"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("code %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.msg)
			}
		})
	}
}
