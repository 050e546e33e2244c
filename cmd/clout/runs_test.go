package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSavedRunsAndDiff(t *testing.T) {
	db := polblogsDB(t)
	// Two rankings of the same data by different measures: the moves between
	// them are known from the two rank outputs.
	byPR, errOut, code := cli(t, "", "--db", db, "rank", "--top", "10", "--save", "pr")
	if code != 0 || !strings.Contains(errOut, "saved run pr") {
		t.Fatalf("rank --save exited %d: %s", code, errOut)
	}
	byF, _, _ := cli(t, "", "--db", db, "rank", "--top", "10", "--by", "followers", "--save", "fol")
	runs, _, code := cli(t, "", "--db", db, "runs")
	rows := readCSV(t, runs)
	if code != 0 || len(rows) != 2 || rows[0]["name"] != "pr" || rows[1]["accounts"] != "10" ||
		!strings.Contains(rows[1]["params"], `"by":"followers"`) || !strings.Contains(rows[0]["data_version"], "accounts=1490 follows=19022") {
		t.Fatalf("runs = %v", rows)
	}
	rankOf := func(out string) map[string]string {
		m := map[string]string{}
		for _, r := range readCSV(t, out) {
			m[r["account"]] = r["rank"]
		}
		return m
	}
	ra, rb := rankOf(byPR), rankOf(byF)
	out, errOut, code := cli(t, "", "--db", db, "diff", "pr", "fol", "--all")
	if code != 0 {
		t.Fatalf("diff exited %d: %s", code, errOut)
	}
	seen := map[string]bool{}
	for _, r := range readCSV(t, out) {
		acc := r["account"]
		seen[acc] = true
		want := "same"
		switch {
		case ra[acc] == "":
			want = "entered"
		case rb[acc] == "":
			want = "left"
		case len(ra[acc]) > len(rb[acc]) || len(ra[acc]) == len(rb[acc]) && ra[acc] > rb[acc]:
			want = "rose"
		case ra[acc] != rb[acc]:
			want = "fell"
		}
		if r["change"] != want || r["rank_a"] != ra[acc] || r["rank_b"] != rb[acc] {
			t.Errorf("%s: %s %s→%s, want %s %s→%s", acc, r["change"], r["rank_a"], r["rank_b"], want, ra[acc], rb[acc])
		}
		if r["followers_change"] != "" && r["followers_change"] != "0" {
			t.Errorf("%s: followers changed by %s between two runs on the same data", acc, r["followers_change"])
		}
	}
	for acc := range ra {
		if !seen[acc] {
			t.Errorf("%s in run pr but not in the diff", acc)
		}
	}
	// Saving under an existing name replaces the run.
	_, errOut, _ = cli(t, "", "--db", db, "rank", "--top", "3", "--save", "pr")
	if !strings.Contains(errOut, "replaced run pr") {
		t.Errorf("second --save pr: %s", errOut)
	}
	if _, errOut, code := cli(t, "", "--db", db, "diff", "pr", "nope"); code != 1 || !strings.Contains(errOut, `no saved run "nope"`) {
		t.Errorf("diff with an unknown run: exit %d %s", code, errOut)
	}
	if _, errOut, code := cli(t, "", "--db", db, "diff", "pr"); code != 2 || !strings.Contains(errOut, "two saved runs") {
		t.Errorf("diff with one run: exit %d %s", code, errOut)
	}
	if _, _, code := cli(t, "", "--db", db, "runs", "--delete", "fol"); code != 0 {
		t.Error("runs --delete failed")
	}
	runs, _, _ = cli(t, "", "--db", db, "runs")
	if rows := readCSV(t, runs); len(rows) != 1 || rows[0]["name"] != "pr" {
		t.Errorf("after --delete fol: %v", rows)
	}
}

func TestDiffSinceComparesTwoWindows(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	// Week 1: a is replied to by three accounts; week 2: b is.
	csv := "source,target,kind,time\n" +
		"x,a,reply,2024-01-02\ny,a,reply,2024-01-03\nz,a,reply,2024-01-04\nx,b,reply,2024-01-05\n" +
		"x,b,repost,2024-01-09\ny,b,repost,2024-01-10\nz,b,repost,2024-01-11\nx,a,reply,2024-01-12\n"
	p := filepath.Join(dir, "e.csv")
	os.WriteFile(p, []byte(csv), 0o644)
	if _, errOut, code := cli(t, "", "--db", db, "import", "csv", p); code != 0 {
		t.Fatal(errOut)
	}
	var out, errOut strings.Builder
	opts := &DiffOptions{IO: &IOStreams{Out: &out, ErrOut: &errOut}, DB: db, By: "pagerank", Top: 2, Format: "csv",
		Sel: SelectionFlags{Since: "7d", Weights: defaultWeights, Damping: 0.85, Tol: 1e-10, MaxIter: 1000},
		Now: func() time.Time { return time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC) }}
	if err := runDiff(context.Background(), opts); err != nil {
		t.Fatal(err, errOut.String())
	}
	rows := readCSV(t, out.String())
	if len(rows) == 0 || rows[0]["account"] != "b" || rows[0]["rank_b"] != "1" || rows[0]["rank_a"] != "2" || rows[0]["change"] != "rose" {
		t.Fatalf("diff --since 7d = %v", rows)
	}
}

// rank --per-community K keeps the first K accounts of each community (the
// communities clout communities prints), in --by order.
func TestRankPerCommunity(t *testing.T) {
	db := polblogsDB(t)
	members, _, code := cli(t, "", "--db", db, "communities", "--members", "--format", "csv")
	if code != 0 {
		t.Fatal("communities failed")
	}
	community := map[string]string{}
	for _, r := range readCSV(t, members) {
		community[r["account"]] = r["community"]
	}
	all, _, _ := cli(t, "", "--db", db, "rank", "--top", "0", "--format", "csv")
	want := map[string]bool{}
	seen := map[string]int{}
	for _, r := range readCSV(t, all) {
		if c := community[r["account"]]; seen[c] < 2 {
			seen[c]++
			want[r["account"]] = true
		}
	}
	out, errOut, code := cli(t, "", "--db", db, "rank", "--top", "0", "--per-community", "2", "--format", "csv")
	if code != 0 {
		t.Fatal(errOut)
	}
	rows := readCSV(t, out)
	if len(rows) != len(want) {
		t.Errorf("--per-community 2 kept %d accounts, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		if !want[r["account"]] || r["community"] != community[r["account"]] {
			t.Errorf("%s (community %s, clout communities says %s) should not be kept", r["account"], r["community"], community[r["account"]])
		}
	}
}
