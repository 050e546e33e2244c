package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func communities(t *testing.T, opts CommunitiesOptions) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.IO = &IOStreams{Out: &out, ErrOut: &errOut}
	if opts.Weights == "" {
		opts.Weights = defaultWeights
	}
	if opts.Resolution == 0 {
		opts.Resolution = 1
	}
	if opts.MinSize == 0 {
		opts.MinSize = 1
	}
	err = runCommunities(context.Background(), &opts)
	return out.String(), errOut.String(), err
}

func TestCommunitiesPolblogs(t *testing.T) {
	db := polblogsDB(t)
	out, errOut, err := communities(t, CommunitiesOptions{DB: db, TopAccounts: 3, RandomSeed: 1, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "community,size,internal_edges,internal_weight,top_accounts\n") {
		t.Fatalf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	rows := readCSV(t, out)
	total, prev := 0, 1<<30
	for i, r := range rows {
		size, _ := strconv.Atoi(r["size"])
		if r["community"] != strconv.Itoa(i) || size > prev {
			t.Errorf("row %d: community %s size %d after size %d", i, r["community"], size, prev)
		}
		if r["internal_edges"] != r["internal_weight"] {
			t.Errorf("follow layer: internal weight %s differs from edge count %s", r["internal_weight"], r["internal_edges"])
		}
		total, prev = total+size, size
	}
	if total != 1490 {
		t.Errorf("community sizes sum to %d, want 1490", total)
	}
	// The two large communities are the liberal and the conservative
	// blogosphere, each led by its best-known blog.
	top := rows[0]["top_accounts"] + ";" + rows[1]["top_accounts"]
	for _, name := range []string{"dailykos.com", "instapundit.com"} {
		if !strings.Contains(top, name) {
			t.Errorf("top accounts of the two largest communities %q lack %s", top, name)
		}
	}
	if n := len(strings.Split(rows[0]["top_accounts"], ";")); n != 3 {
		t.Errorf("%d top accounts, want 3", n)
	}
	m := strings.Fields(errOut)
	if len(m) < 2 || m[0] != "modularity" {
		t.Fatalf("stderr does not start with the modularity: %q", errOut)
	}
	if q, _ := strconv.ParseFloat(m[1], 64); q < 0.427 || q > 0.44 {
		t.Errorf("modularity %v, igraph's multilevel reaches 0.432", q)
	}

	again, _, _ := communities(t, CommunitiesOptions{DB: db, TopAccounts: 3, RandomSeed: 1, Format: "csv"})
	if again != out {
		t.Error("same seed, different output")
	}
	table, _, err := communities(t, CommunitiesOptions{DB: db, TopAccounts: 2, RandomSeed: 1, Format: "table", MinSize: 100})
	if err != nil || strings.Count(table, "\n") != 6 || !strings.Contains(table, ", ") {
		t.Errorf("table with --min-size 100 (two communities), err %v:\n%s", err, table)
	}
}

func TestCommunitiesMembers(t *testing.T) {
	db := polblogsDB(t)
	out, _, err := communities(t, CommunitiesOptions{DB: db, Members: true, RandomSeed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "account,platform,community\n") {
		t.Fatalf("header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	rows := readCSV(t, out)
	if len(rows) != 1490 {
		t.Fatalf("%d members, want 1490", len(rows))
	}
	of := map[string]string{}
	last := 0
	for _, r := range rows {
		c, _ := strconv.Atoi(r["community"])
		if c < last {
			t.Fatalf("members not ordered by community: %v after %d", r, last)
		}
		last = c
		of[r["account"]] = r["community"]
	}
	if of["dailykos.com"] != of["atrios.blogspot.com"] || of["dailykos.com"] == of["instapundit.com"] {
		t.Errorf("dailykos %s, atrios %s, instapundit %s", of["dailykos.com"], of["atrios.blogspot.com"], of["instapundit.com"])
	}
	sizes, _, _ := communities(t, CommunitiesOptions{DB: db, RandomSeed: 3})
	for _, r := range readCSV(t, sizes)[:3] {
		n := 0
		for _, c := range of {
			if c == r["community"] {
				n++
			}
		}
		if strconv.Itoa(n) != r["size"] {
			t.Errorf("community %s: %d members listed, size %s", r["community"], n, r["size"])
		}
	}
}

func TestCommunitiesEngagementTwarc(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tw.db")
	_, errOut, code := cli(t, "", "--db", db, "import", "twarc", repoFile("testdata", "twarc", "page.jsonl"), repoFile("testdata", "twarc", "stream.jsonl"))
	if code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	out, errOut, code := cli(t, "", "--db", db, "communities", "--top-accounts", "1", "-v")
	if code != 0 {
		t.Fatalf("communities exited %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "(engagement layer)") || !strings.Contains(errOut, "layer engagement:") {
		t.Errorf("engagement is the default layer with events; stderr:\n%s", errOut)
	}
	if len(readCSV(t, out)) == 0 {
		t.Errorf("no communities:\n%s", out)
	}
}

func TestCommunitiesUsageErrors(t *testing.T) {
	db := polblogsDB(t)
	for _, args := range [][]string{
		{"--resolution", "0"},
		{"--resolution", "-1"},
		{"--min-size", "0"},
		{"--top-accounts", "-1"},
		{"--layer", "likes"},
		{"--weights", "bogus=1"},
		{"--since", "yesterday"},
		{"--format", "xml"},
		{"extra"},
	} {
		_, errOut, code := cli(t, "", append([]string{"--db", db, "communities"}, args...)...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
	_, _, err := communities(t, CommunitiesOptions{DB: filepath.Join(t.TempDir(), "missing.db")})
	var ue *usageError
	if err == nil || errors.As(err, &ue) {
		t.Errorf("missing database: %v", err)
	}
}
