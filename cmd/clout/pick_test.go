package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pick runs runPick with defaults overridden by set, CSV output.
func pick(t *testing.T, db string, set func(o *PickOptions)) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o := &PickOptions{IO: &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, DB: db,
		K: 10, Model: "coverage", Hops: 2, Reach: "auto", Prob: "fixed", P: 0.01, Epsilon: 0.1, Ell: 1,
		RandomSeed: 1, Simulations: 1000, Format: "csv"}
	set(o)
	err := runPick(context.Background(), o)
	return out.String(), errOut.String(), err
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

func TestPickCoverageAgreesWithReach(t *testing.T) {
	db := polblogsDB(t)
	for _, hops := range []int{1, 2} {
		out, _, err := pick(t, db, func(o *PickOptions) { o.K = 5; o.Hops = hops })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "rank,account,name,platform,marginal_gain,reach,cost\n") {
			t.Fatalf("header: %q", strings.SplitN(out, "\n", 2)[0])
		}
		rows := readCSV(t, out)
		if len(rows) != 5 {
			t.Fatalf("%d rows", len(rows))
		}
		// The combined reach of the picks, as `clout reach` computes it.
		args := []string{"--db", db, "reach"}
		sum := 0.0
		for _, r := range rows {
			args = append(args, r["account"])
			sum += atof(t, r["marginal_gain"])
		}
		rout, errOut, code := cli(t, "", args...)
		if code != 0 {
			t.Fatalf("reach: %s", errOut)
		}
		rr := readCSV(t, rout)
		combined := rr[len(rr)-1]
		want := combined["reach2"]
		if hops == 1 {
			want = combined["followers"]
		}
		if got := rows[4]["reach"]; got != want || sum != atof(t, want) {
			t.Errorf("hops %d: pick reach %s (gains sum %v), reach (combined) %s", hops, got, sum, want)
		}
	}
	// Sketch mode picks from a sample but reports exact reach.
	out, _, err := pick(t, db, func(o *PickOptions) { o.K = 3; o.Reach = "sketch" })
	if err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, out); atof(t, rows[2]["reach"]) < 990 {
		t.Errorf("sketch reach %s", rows[2]["reach"])
	}
}

func TestPickIncludeExcludeBudget(t *testing.T) {
	db := polblogsDB(t)
	out, _, err := pick(t, db, func(o *PickOptions) {
		o.K = 3
		o.Include = []string{"atrios.blogspot.com"}
		o.Exclude = []string{"dailykos.com"}
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	if rows[0]["account"] != "atrios.blogspot.com" || len(rows) != 3 {
		t.Errorf("rows %v", rows)
	}
	for _, r := range rows {
		if r["account"] == "dailykos.com" {
			t.Error("excluded account picked")
		}
	}
	dir := t.TempDir()
	costs := filepath.Join(dir, "costs.csv")
	os.WriteFile(costs, []byte("account,cost\ndailykos.com,5\ndrudgereport.com,2\ninstapundit.com,1\natrios.blogspot.com,1\n"), 0o644)
	out, _, err = pick(t, db, func(o *PickOptions) { o.K = 0; o.Budget = 4; o.CostFile = costs })
	if err != nil {
		t.Fatal(err)
	}
	spent := 0.0
	for _, r := range readCSV(t, out) {
		spent += atof(t, r["cost"])
		if r["account"] == "dailykos.com" {
			t.Error("dailykos.com costs 5, over the budget of 4")
		}
	}
	if spent > 4 || spent < 3 {
		t.Errorf("spent %v of 4:\n%s", spent, out)
	}
	bad := filepath.Join(dir, "bad.csv")
	for _, tc := range []struct{ file, want string }{
		{"account,cost\ndailykos.com,5\ndrudgereport.com,-2\n", "bad.csv:3: cost \"-2\""},
		{"dailykos.com,5\nnobody.example,2\n", "bad.csv:2: no account matches \"nobody.example\""},
		{"dailykos.com,5\ndailykos.com,2\n", "bad.csv:2: account dailykos.com already priced on line 1"},
		{"dailykos.com,5,7\n", "bad.csv:1: want 2 fields"},
	} {
		os.WriteFile(bad, []byte(tc.file), 0o644)
		_, _, err := pick(t, db, func(o *PickOptions) { o.Budget = 4; o.CostFile = bad })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.file, err, tc.want)
		}
	}
	for _, set := range []func(o *PickOptions){
		func(o *PickOptions) { o.Budget = 3 },
		func(o *PickOptions) { o.K = 0 },
		func(o *PickOptions) { o.Model = "pagerank" },
		func(o *PickOptions) { o.Hops = 3 },
		func(o *PickOptions) { o.Prob = "magic" },
		func(o *PickOptions) { o.Include = []string{"dailykos.com"}; o.Exclude = []string{"dailykos.com"} },
		func(o *PickOptions) { o.K = 1; o.Include = []string{"dailykos.com", "atrios.blogspot.com"} },
	} {
		_, _, err := pick(t, db, set)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("want a usage error, got %v", err)
		}
	}
	if _, _, err := pick(t, db, func(o *PickOptions) { o.Exclude = []string{"nobody.example"} }); err == nil || !strings.Contains(err.Error(), "--exclude: no account matches") {
		t.Errorf("unknown account: %v", err)
	}
}

func TestPickICReproducibleWithInterval(t *testing.T) {
	db := polblogsDB(t)
	run := func(seed uint64, prob string) string {
		out, _, err := pick(t, db, func(o *PickOptions) {
			o.K = 4
			o.Model = "ic"
			o.Prob = prob
			o.P = 0.05
			o.Epsilon = 0.3
			o.RandomSeed = seed
			o.Simulations = 500
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := run(3, "fixed"), run(3, "fixed")
	if a != b {
		t.Fatal("same --random-seed, different output")
	}
	if !strings.HasPrefix(a, "rank,account,name,platform,marginal_gain,spread,ci_low,ci_high,cost\n") {
		t.Fatalf("header: %q", strings.SplitN(a, "\n", 2)[0])
	}
	prev := 0.0
	for _, r := range readCSV(t, a) {
		s, lo, hi := atof(t, r["spread"]), atof(t, r["ci_low"]), atof(t, r["ci_high"])
		if !(lo <= s && s <= hi) || s < prev || atof(t, r["marginal_gain"]) < 0 {
			t.Errorf("row %v", r)
		}
		prev = s
	}
	if wc := run(3, "wc"); wc == a || len(readCSV(t, wc)) != 4 {
		t.Errorf("wc output:\n%s", wc)
	}
}

func TestPickEngagementAndAmbiguity(t *testing.T) {
	dir := t.TempDir()
	edges := filepath.Join(dir, "e.csv")
	var b strings.Builder
	b.WriteString("source,target,kind,platform,post_id\n")
	// f1..f6 follow hub and quiet; f1..f5 repost hub's posts; nobody
	// engages with quiet. alice exists on two platforms.
	for i := 1; i <= 6; i++ {
		f := "f" + strconv.Itoa(i)
		b.WriteString(f + ",hub,follow,local,\n" + f + ",quiet,follow,local,\n")
		if i <= 5 {
			for p := 1; p <= 3; p++ {
				b.WriteString(f + ",hub,repost,local,h" + strconv.Itoa(p) + "\n")
			}
		}
	}
	b.WriteString("alice,hub,follow,local,\nalice,bob,follow,bluesky,\n")
	os.WriteFile(edges, []byte(b.String()), 0o644)
	db := filepath.Join(dir, "e.db")
	if _, errOut, code := cli(t, "", "--db", db, "import", "csv", edges); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out, _, err := pick(t, db, func(o *PickOptions) {
		o.K = 1
		o.Model = "ic"
		o.Prob = "engagement"
		o.Platform = "local"
		o.Exclude = []string{"alice"}
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out)
	// hub: 5 followers acted on all 3 of its posts (p = 4/103), f6 and alice
	// on none (p = 1/103); σ(hub) = 1 + 5·4/103 + 2/103.
	if len(rows) != 1 || rows[0]["account"] != "hub" {
		t.Fatalf("rows %v", rows)
	}
	want := 1 + 5*4.0/103 + 2.0/103
	if lo, hi := atof(t, rows[0]["ci_low"]), atof(t, rows[0]["ci_high"]); want < lo-0.05 || want > hi+0.05 {
		t.Errorf("spread [%v, %v], exact %v", lo, hi, want)
	}
	_, _, err = pick(t, db, func(o *PickOptions) { o.Include = []string{"alice"} })
	if err == nil || !strings.Contains(err.Error(), "ambiguous") || !strings.Contains(err.Error(), "platform bluesky") {
		t.Errorf("ambiguous --include: %v", err)
	}
}

func FuzzParseCosts(f *testing.F) {
	f.Add("account,cost\na,1\nb,2.5\n")
	f.Add("a,1\n# comment\n\"b,c\",3\n")
	f.Add("a,0\n")
	f.Add("\ufeffa,1e308\nb,NaN\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := parseCosts(strings.NewReader(s), "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") {
				t.Errorf("error without the file name: %v", err)
			}
			return
		}
		for _, l := range lines {
			if !(l.Cost > 0) || math.IsInf(l.Cost, 0) || l.Line < 1 || l.Account == "" {
				t.Errorf("bad line accepted: %+v", l)
			}
		}
	})
}
