package main

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

func runEvaluateOut(t *testing.T, opts EvaluateOptions) (map[string]map[string]string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &IOStreams{Out: &out, ErrOut: &errOut}
	if opts.Sel.Weights == "" {
		opts.Sel = SelectionFlags{Layer: opts.Sel.Layer, Weights: defaultWeights, Damping: 0.85, Tol: 1e-13, MaxIter: 1000,
			Since: opts.Sel.Since, Until: opts.Sel.Until}
	}
	if opts.K == 0 {
		opts.K = 1
	}
	if opts.Format == "" {
		opts.Format = "csv"
	}
	if err := runEvaluate(context.Background(), &opts); err != nil {
		return nil, errOut.String(), err
	}
	rows := map[string]map[string]string{}
	for _, r := range readCSV(t, out.String()) {
		rows[r["measure"]] = r
	}
	return rows, errOut.String(), nil
}

// TestEvaluateByConstruction: in eventsDB, b receives most engagement in the
// first week and c in the second. Received engagement (default weights):
// before the split a 1.75, b 12.25; after it b 1.75, c 21, d 3.5. The
// expected correlations are scipy's on those vectors (spearmanr, kendalltau)
// over the six accounts a..f.
func TestEvaluateByConstruction(t *testing.T) {
	db := eventsDB(t)
	for _, tc := range []struct {
		name string
		opts EvaluateOptions
	}{
		{"split", EvaluateOptions{Split: "2024-01-08"}},
		{"train/test lengths from the last event", EvaluateOptions{Train: "7d", Test: "7d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.DB = db
			rows, _, err := runEvaluateOut(t, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range allMeasures() {
				if !m.OnDemand { // computed only when named
					names = append(names, m.Name)
				}
			}
			for _, name := range append(names, "received_before") {
				if rows[name] == nil {
					t.Errorf("no row for %s", name)
				}
			}
			for _, w := range []struct {
				measure, prec     string
				spearman, kendall float64
			}{
				{"received_before", "0", -0.14368424162141993, -0.09622504486493763},
				{"followers", "0", 0.6129032258064516, 0.5000000000000001},
			} {
				r := rows[w.measure]
				sp, _ := strconv.ParseFloat(r["spearman"], 64)
				kt, _ := strconv.ParseFloat(r["kendall"], 64)
				if math.Abs(sp-w.spearman) > 1e-12 || math.Abs(kt-w.kendall) > 1e-12 || r["precision_at_k"] != w.prec || r["n"] != "6" || r["k"] != "1" {
					t.Errorf("%s: %v, want ρ %v τ_b %v precision@1 %s n 6", w.measure, r, w.spearman, w.kendall, w.prec)
				}
			}
		})
	}
	// k = 3: the true top 3 after the split are c, d, b; followers' top 3
	// are b, c and a (a, d, e tie at one follower; a has the lowest id).
	rows, _, err := runEvaluateOut(t, EvaluateOptions{DB: db, Split: "2024-01-08", K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p := rows["followers"]["precision_at_k"]; !strings.HasPrefix(p, "0.666") {
		t.Errorf("followers precision@3 = %s, want 2/3", p)
	}
}

func TestEvaluateErrors(t *testing.T) {
	db := eventsDB(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no windows", []string{"evaluate"}, 2, "needs --split TIME, or both --train and --test"},
		{"both", []string{"evaluate", "--split", "2024-01-08", "--train", "7d"}, 2, "not both"},
		{"train only", []string{"evaluate", "--train", "7d"}, 2, "both --train and --test"},
		{"bad length", []string{"evaluate", "--train", "week", "--test", "7d"}, 2, "--train"},
		{"follow layer", []string{"evaluate", "--split", "2024-01-08", "--layer", "follow"}, 2, "has no time"},
		{"split outside", []string{"evaluate", "--split", "2024-01-08", "--until", "2024-01-05"}, 2, "inside --since/--until"},
		{"nothing after", []string{"evaluate", "--split", "2025-01-01"}, 1, "no engagement in the test window"},
		{"bad k", []string{"evaluate", "--split", "2024-01-08", "--k", "0"}, 2, "--k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("code %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.msg)
			}
		})
	}
}

// FuzzParseLength: any string is either a positive length or a usage error,
// never a panic or a non-positive duration.
func FuzzParseLength(f *testing.F) {
	for _, s := range []string{"30d", "12h", "90m", "0.5d", "-3d", "d", "", "1e308d", "NaNd", "7 d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseLength("--train", s)
		if err == nil && d <= 0 {
			t.Fatalf("parseLength(%q) = %v without error", s, d)
		}
		if err != nil && exitCode(err) != 2 {
			t.Fatalf("parseLength(%q): not a usage error: %v", s, err)
		}
	})
}
