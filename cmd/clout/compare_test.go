package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// eventsDB is a small database with follows and timed interaction events:
// accounts a..f, follows among them, and reposts/replies/likes over two
// weeks of January 2024 (2024-01-01 .. 2024-01-14), concentrated on b early
// and on c late.
func eventsDB(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("source,target,kind,time\n")
	for _, e := range []string{"a,b", "c,b", "d,b", "e,b", "f,b", "a,c", "d,c", "b,a", "e,d", "f,e"} {
		fmt.Fprintf(&b, "%s,follow,\n", e)
	}
	day := func(d int) string { return time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	for d := 1; d <= 7; d++ {
		fmt.Fprintf(&b, "a,b,repost,%s\nd,b,reply,%s\ne,b,like,%s\nf,a,like,%s\n", day(d), day(d), day(d), day(d))
	}
	for d := 8; d <= 14; d++ {
		fmt.Fprintf(&b, "a,c,repost,%s\nd,c,repost,%s\ne,c,quote,%s\nf,b,like,%s\nb,d,mention,%s\n", day(d), day(d), day(d), day(d), day(d))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "events.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "events.db")
	if _, errOut, code := cli(t, "", "--db", db, "import", "csv", path); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	return db
}

func runCompareOut(t *testing.T, opts CompareOptions) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &IOStreams{Out: &out, ErrOut: &errOut}
	if opts.Sel.Weights == "" {
		opts.Sel = SelectionFlags{Layer: opts.Sel.Layer, Weights: defaultWeights, Damping: 0.85, Tol: 1e-13, MaxIter: 1000,
			Since: opts.Sel.Since, Until: opts.Sel.Until}
	}
	if opts.K == 0 {
		opts.K = 100
	}
	if opts.Stat == "" {
		opts.Stat = "spearman"
	}
	err := runCompare(context.Background(), &opts)
	return out.String(), errOut.String(), err
}

// TestComparePolblogsMatchesScipy checks compare end to end against scipy's
// correlations of the networkx reference measures of the political blogs
// (influence/testdata/agreement/make_polblogs.py).
func TestComparePolblogsMatchesScipy(t *testing.T) {
	db := polblogsDB(t)
	raw, err := os.ReadFile(repoFile("influence", "testdata", "agreement", "polblogs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Pairs []struct {
			A, B              string
			N                 int
			Spearman, Kendall float64
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCompareOut(t, CompareOptions{DB: db, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "a,b,spearman,kendall,topk_overlap,n,k\n") {
		t.Fatalf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	if !strings.Contains(errOut, "reported_followers is empty for every account") {
		t.Errorf("stderr lacks the note on the empty measure: %q", errOut)
	}
	got := map[string]map[string]string{}
	for _, r := range readCSV(t, out) {
		got[r["a"]+","+r["b"]] = r
	}
	for _, p := range ref.Pairs {
		r, ok := got[p.A+","+p.B]
		if !ok {
			t.Errorf("no row for %s,%s", p.A, p.B)
			continue
		}
		sp, _ := strconv.ParseFloat(r["spearman"], 64)
		kt, _ := strconv.ParseFloat(r["kendall"], 64)
		if math.Abs(sp-p.Spearman) > 1e-9 || math.Abs(kt-p.Kendall) > 1e-9 || r["n"] != strconv.Itoa(p.N) || r["k"] != "100" {
			t.Errorf("%s,%s: %v; scipy ρ %v τ_b %v n %d", p.A, p.B, r, p.Spearman, p.Kendall, p.N)
		}
		if tk, _ := strconv.ParseFloat(r["topk_overlap"], 64); !(tk > 0.5 && tk <= 1) {
			t.Errorf("%s,%s: top-100 overlap %v", p.A, p.B, tk)
		}
	}
	table, _, err := runCompareOut(t, CompareOptions{DB: db, Format: "table", Stat: "kendall"})
	if err != nil || !strings.Contains(table, "0.894") || !strings.Contains(table, "kendall") {
		t.Errorf("table (%v):\n%s", err, table)
	}
	again, _, _ := runCompareOut(t, CompareOptions{DB: db, Format: "table", Stat: "kendall"})
	if again != table {
		t.Error("table differs between runs")
	}
}

func TestCompareEngagementAddsFollowPageRank(t *testing.T) {
	db := eventsDB(t)
	out, _, err := runCompareOut(t, CompareOptions{DB: db, Format: "csv", K: 2})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	var names []string
	for _, r := range rows {
		if r["a"] == "pagerank" {
			names = append(names, r["b"])
		}
	}
	if len(names) == 0 || names[0] != "pagerank_follow" {
		t.Errorf("pairs of pagerank: %v, want pagerank_follow first", names)
	}
	out, _, err = runCompareOut(t, CompareOptions{DB: db, Format: "csv", Sel: SelectionFlags{Layer: "follow"}, Measures: "pagerank,followers"})
	if err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, out); len(rows) != 1 || rows[0]["a"] != "pagerank" || rows[0]["b"] != "followers" {
		t.Errorf("--measures pagerank,followers: %v", rows)
	}
	out, _, err = runCompareOut(t, CompareOptions{DB: db, Format: "csv", Sel: SelectionFlags{Layer: "follow"}})
	if err != nil || !strings.Contains(out, "pagerank,pagerank_engagement,") {
		t.Errorf("follow layer with events: no pagerank_engagement pair (%v):\n%s", err, out)
	}
}

func TestCompareUsageErrors(t *testing.T) {
	db := polblogsDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad k", []string{"compare", "--k", "0"}, 2, "--k"},
		{"bad stat", []string{"compare", "--stat", "pearson"}, 2, "--stat"},
		{"unknown measure", []string{"compare", "--measures", "pagerank,fame"}, 2, `unknown measure "fame"`},
		{"one measure", []string{"compare", "--measures", "pagerank"}, 1, "nothing to compare"},
		{"bad layer", []string{"compare", "--layer", "nope"}, 2, "--layer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("code %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.msg)
			}
		})
	}
}
