package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// polblogsFollowers reads the follower sets straight from the edge list, an
// independent computation of what overlap should report.
func polblogsFollowers(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open(repoFile("testdata", "polblogs", "polblogs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fol := map[string]map[string]bool{}
	for _, r := range recs[1:] {
		src, dst := strings.TrimSpace(r[0]), strings.TrimSpace(r[1])
		if src == dst {
			continue
		}
		if fol[dst] == nil {
			fol[dst] = map[string]bool{}
		}
		fol[dst][src] = true
	}
	return fol
}

func runOverlapOut(t *testing.T, opts OverlapOptions) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &IOStreams{Out: &out, ErrOut: &errOut}
	if opts.Measure == "" {
		opts.Measure = "jaccard"
	}
	if opts.By == "" {
		opts.By = "pagerank"
	}
	if opts.SketchSize == 0 {
		opts.SketchSize = 1024
	}
	if opts.ExactMax == 0 {
		opts.ExactMax = 1 << 16
	}
	err := runOverlap(context.Background(), &opts)
	return out.String(), errOut.String(), err
}

func TestOverlapPolblogsMatchesEdgeList(t *testing.T) {
	db := polblogsDB(t)
	fol := polblogsFollowers(t)
	names := []string{"dailykos.com", "atrios.blogspot.com", "instapundit.com", "talkingpointsmemo.com"}
	out, _, err := runOverlapOut(t, OverlapOptions{DB: db, Accounts: names, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "a,b,jaccard,containment,shared,size_a,size_b,method\n") {
		t.Fatalf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	rows := readCSV(t, out)
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12 ordered pairs", len(rows))
	}
	for _, r := range rows {
		a, b := fol[r["a"]], fol[r["b"]]
		shared := 0
		for u := range a {
			if b[u] {
				shared++
			}
		}
		jac := float64(shared) / float64(len(a)+len(b)-shared)
		con := float64(shared) / float64(len(a))
		gj, _ := strconv.ParseFloat(r["jaccard"], 64)
		gc, _ := strconv.ParseFloat(r["containment"], 64)
		if r["shared"] != strconv.Itoa(shared) || r["size_a"] != strconv.Itoa(len(a)) || r["size_b"] != strconv.Itoa(len(b)) ||
			math.Abs(gj-jac) > 1e-12 || math.Abs(gc-con) > 1e-12 || r["method"] != "exact" {
			t.Errorf("%s,%s: %v; want shared %d sizes %d %d J %v containment %v", r["a"], r["b"], r, shared, len(a), len(b), jac, con)
		}
	}
	// The first pair, by hand: dailykos.com and atrios.blogspot.com share
	// 216 of their 337 and 263 followers.
	if rows[0]["shared"] != "216" || rows[0]["jaccard"] != "0.5625" {
		t.Errorf("first row %v", rows[0])
	}
}

func TestOverlapTopTableAndJSON(t *testing.T) {
	db := polblogsDB(t)
	table, _, err := runOverlapOut(t, OverlapOptions{DB: db, Top: 3, Format: "table", Measure: "containment"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 3+4 || !strings.Contains(lines[1], "containment") || !strings.Contains(lines[1], "instapundit.com") ||
		!strings.Contains(lines[3], "dailykos.com") || !strings.Contains(lines[3], "0.641") {
		t.Errorf("table:\n%s", table)
	}
	again, _, _ := runOverlapOut(t, OverlapOptions{DB: db, Top: 3, Format: "table", Measure: "containment"})
	if again != table {
		t.Error("the table differs between runs")
	}
	js, _, err := runOverlapOut(t, OverlapOptions{DB: db, Top: 2, By: "followers", Format: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	first := strings.SplitN(js, "\n", 2)[0]
	if err := json.Unmarshal([]byte(first), &obj); err != nil || obj["a"] != "dailykos.com" || obj["b"] != "instapundit.com" || obj["shared"] != float64(66) {
		t.Errorf("json: %s (%v)", first, err)
	}
}

func TestOverlapEstimatedIsMarkedAndClose(t *testing.T) {
	db := polblogsDB(t)
	// --exact-max 0 estimates every pair, to show the method column and
	// the note on stderr; with 1024 bins the estimates stay close.
	out, errOut, code := cli(t, "", "--db", db, "overlap", "--top", "4", "--exact-max", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	exact, _, _ := cli(t, "", "--db", db, "overlap", "--top", "4", "--exact")
	if !strings.Contains(errOut, "estimated by MinHash") {
		t.Errorf("stderr: %q", errOut)
	}
	est, ex := readCSV(t, out), readCSV(t, exact)
	for i := range est {
		gj, _ := strconv.ParseFloat(est[i]["jaccard"], 64)
		xj, _ := strconv.ParseFloat(ex[i]["jaccard"], 64)
		if est[i]["method"] != "minhash" || ex[i]["method"] != "exact" || math.Abs(gj-xj) > 4.5*math.Sqrt(xj*(1-xj)/1024)+0.01 {
			t.Errorf("pair %d: estimated %v, exact %v", i, est[i], ex[i])
		}
	}
}

func TestOverlapUsageErrors(t *testing.T) {
	db := polblogsDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"nothing to compare", []string{"overlap"}, 2, "at least two ACCOUNTs, or give --top N"},
		{"both", []string{"overlap", "--top", "3", "dailykos.com"}, 2, "not both"},
		{"one account", []string{"overlap", "dailykos.com"}, 2, "at least two different accounts"},
		{"same twice", []string{"overlap", "dailykos.com", "dailykos.com"}, 2, "at least two different accounts"},
		{"bad measure", []string{"overlap", "--top", "3", "--measure", "cosine"}, 2, "--measure"},
		{"bad by", []string{"overlap", "--top", "3", "--by", "fame"}, 2, "--by"},
		{"top 1", []string{"overlap", "--top", "1"}, 2, "at least 2"},
		{"unknown account", []string{"overlap", "dailykos.com", "nope.example"}, 1, `no account matches "nope.example"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("code %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.msg)
			}
		})
	}
}
