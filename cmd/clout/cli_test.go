package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clout-cli/clout/graph/store"
)

// cli runs clout in-process, as a user would from a shell with stdout and
// stderr redirected (not terminals).
func cli(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code = execute(context.Background(), args, io, func(string) string { return "" })
	return out.String(), errOut.String(), code
}

func repoFile(parts ...string) string {
	return filepath.Join(append([]string{"..", ".."}, parts...)...)
}

func polblogsDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "polblogs.db")
	_, errOut, code := cli(t, "", "--db", db, "import", "csv",
		repoFile("testdata", "polblogs", "polblogs-leaning.csv"), repoFile("testdata", "polblogs", "polblogs.csv"))
	if code != 0 {
		t.Fatalf("import exited %d: %s", code, errOut)
	}
	return db
}

func readCSV(t *testing.T, s string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// TestRankPolblogsMatchesReference checks the whole path — CSV import into
// SQLite, graph loading, PageRank, followers, reach2, CSV output — against
// networkx/igraph reference values for the political-blogs network.
func TestRankPolblogsMatchesReference(t *testing.T) {
	db := polblogsDB(t)
	out, errOut, code := cli(t, "", "--db", db, "rank", "--top", "0", "--tol", "1e-13")
	if code != 0 {
		t.Fatalf("rank exited %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "rank,account,name,platform,pagerank,followers,reported_followers,reach2") { // columns are appended
		t.Fatalf("CSV header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	got := map[string]map[string]string{}
	for _, r := range readCSV(t, out) {
		got[r["account"]] = r
	}
	ref, err := os.ReadFile(repoFile("testdata", "polblogs", "polblogs-reference.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, string(ref))
	if len(got) != len(want) || len(want) != 1490 {
		t.Fatalf("ranked %d accounts, reference has %d", len(got), len(want))
	}
	for _, w := range want {
		// Two labels in the published data end in a space; clout trims
		// cells, as a spreadsheet user expects.
		w["account"] = strings.TrimSpace(w["account"])
		g, ok := got[w["account"]]
		if !ok {
			t.Fatalf("%s missing from the ranking", w["account"])
		}
		gp, _ := strconv.ParseFloat(g["pagerank"], 64)
		wp, _ := strconv.ParseFloat(w["pagerank"], 64)
		if math.Abs(gp-wp) > 1e-9 {
			t.Errorf("%s: pagerank %v, reference %v", w["account"], gp, wp)
		}
		if g["followers"] != w["followers"] || g["reach2"] != w["reach2"] {
			t.Errorf("%s: followers %s reach2 %s, reference %s and %s", w["account"], g["followers"], g["reach2"], w["followers"], w["reach2"])
		}
	}
	first := readCSV(t, out)[:3]
	for i, name := range []string{"dailykos.com", "atrios.blogspot.com", "instapundit.com"} {
		if first[i]["account"] != name || first[i]["rank"] != strconv.Itoa(i+1) {
			t.Errorf("rank %d = %s, want %s", i+1, first[i]["account"], name)
		}
	}
}

func TestRankIsByteForByteRepeatable(t *testing.T) {
	db := polblogsDB(t)
	for _, format := range []string{"csv", "tsv", "json", "table"} {
		a, _, _ := cli(t, "", "--db", db, "rank", "--top", "50", "--format", format)
		b, _, _ := cli(t, "", "--db", db, "rank", "--top", "50", "--format", format)
		if a != b || a == "" {
			t.Errorf("%s output differs between runs", format)
		}
	}
	js, _, _ := cli(t, "", "--db", db, "rank", "--top", "3", "--format", "json")
	lines := strings.Split(strings.TrimSpace(js), "\n")
	if len(lines) != 3 {
		t.Fatalf("json: %d lines, want 3", len(lines))
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &obj); err != nil {
		t.Fatal(err)
	}
	if obj["account"] != "dailykos.com" || obj["followers"] != float64(337) || obj["reported_followers"] != nil {
		t.Errorf("json row: %v", obj)
	}
}

func TestRankBy(t *testing.T) {
	db := polblogsDB(t)
	out, _, code := cli(t, "", "--db", db, "rank", "--by", "followers", "--top", "1")
	if code != 0 || readCSV(t, out)[0]["account"] != "dailykos.com" {
		t.Errorf("--by followers: %s", out)
	}
	out, _, code = cli(t, "", "--db", db, "rank", "--by", "reach2", "--top", "1")
	if code != 0 || readCSV(t, out)[0]["reach2"] != "830" {
		t.Errorf("--by reach2: %s", out)
	}
}

func TestReachCombined(t *testing.T) {
	db := polblogsDB(t)
	out, errOut, code := cli(t, "", "--db", db, "reach", "dailykos.com", "atrios.blogspot.com")
	if code != 0 {
		t.Fatalf("reach exited %d: %s", code, errOut)
	}
	rows := readCSV(t, out)
	if len(rows) != 3 || rows[0]["followers"] != "337" || rows[0]["reach2"] != "830" || rows[1]["reach2"] != "800" {
		t.Fatalf("reach rows: %v", rows)
	}
	c := rows[2]
	r2, _ := strconv.Atoi(c["reach2"])
	if c["account"] != "(combined)" || r2 < 830 || r2 > 830+800 {
		t.Errorf("combined row: %v", c)
	}
	_, errOut, code = cli(t, "", "--db", db, "reach", "no-such-blog.example")
	if code != 1 || !strings.Contains(errOut, `no account matches "no-such-blog.example"`) {
		t.Errorf("unknown account: code %d, %s", code, errOut)
	}
}

func TestStatsJSON(t *testing.T) {
	db := polblogsDB(t)
	out, _, code := cli(t, "", "--db", db, "stats", "--format", "json")
	var obj map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &obj) != nil {
		t.Fatalf("stats: %d %s", code, out)
	}
	for _, k := range []string{"accounts", "follow", "repost", "quote", "reply", "mention", "like", "first_event", "last_event"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("stats json lacks %q", k)
		}
	}
	if obj["accounts"] != float64(1490) || obj["follow"] != float64(19022) || obj["first_event"] != nil {
		t.Errorf("stats: %v", obj)
	}
}

func TestImportIdempotentGzipStdin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	data := "source,target,kind,time\na,b,repost,2024-01-02\nb,c,reply,1704153600\nc,a,follow,\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(data))
	zw.Close()
	path := filepath.Join(t.TempDir(), "edges.csv.gz")
	os.WriteFile(path, gz.Bytes(), 0o644)
	if _, e, code := cli(t, "", "--db", db, "import", "csv", path); code != 0 {
		t.Fatalf("gz import: %s", e)
	}
	before, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	if _, e, code := cli(t, data, "--db", db, "import", "csv", "-"); code != 0 {
		t.Fatalf("stdin import: %s", e)
	}
	after, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	if before != after {
		t.Errorf("second import changed the database:\n%s\n%s", before, after)
	}
	if !strings.Contains(after, `"repost":1`) || !strings.Contains(after, `"first_event":"2024-01-02T00:00:00Z"`) {
		t.Errorf("stats after import: %s", after)
	}
}

func TestBadInputLeavesDatabaseUnchanged(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cli(t, "", "--db", db, "import", "csv", repoFile("testdata", "polblogs", "polblogs.csv"))
	before, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("source,target,kind\nx,y,follow\nx,z,retweeet\nz,y,follow\n"), 0o644)
	_, errOut, code := cli(t, "", "--db", db, "import", "csv", bad)
	if code != 1 || !strings.Contains(errOut, bad+":3:") {
		t.Fatalf("bad line: code %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
		t.Fatalf("stack trace on stderr: %s", errOut)
	}
	after, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	if before != after {
		t.Fatal("a failed import changed the database")
	}
	_, errOut, code = cli(t, "", "--db", db, "import", "--skip-bad", "csv", bad)
	if code != 0 || !strings.Contains(errOut, "skipped 1 malformed line(s), first at "+bad+":3") {
		t.Fatalf("--skip-bad: code %d, %s", code, errOut)
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "none.db")
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"rank", "--nope"}, 2, "unknown flag"},
		{"unknown format", []string{"--db", db, "import", "xml", empty}, 2, `unknown import format "xml"`},
		{"missing file", []string{"--db", db, "import", "csv", filepath.Join(dir, "missing.csv")}, 1, "cannot read"},
		{"empty input", []string{"--db", db, "import", "csv", empty}, 1, "empty"},
		{"no database", []string{"--db", db, "rank"}, 1, "import or crawl something first"},
		{"bad layer", []string{"--db", db, "rank", "--layer", "nope"}, 2, "--layer"},
		{"bad output format", []string{"--db", db, "rank", "--format", "xls"}, 2, "--format"},
		{"bad weights", []string{"rank", "--weights", "repost=-1"}, 2, "--weights"},
		{"missing args", []string{"import", "csv"}, 2, "missing FORMAT and at least one FILE"},
		{"reach without account", []string{"reach"}, 2, "missing at least one ACCOUNT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("code %d (want %d), stderr %q (want %q)", code, tc.code, errOut, tc.msg)
			}
		})
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCmd(&Factory{IO: &IOStreams{}, Getenv: os.Getenv})
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no examples in --help", c.Name())
		}
	}
	out, _, code := cli(t, "", "completion", "bash")
	if code != 0 || !strings.Contains(out, "__start_clout") {
		t.Errorf("bash completion: code %d", code)
	}
}

// cancelOnRead cancels the command's context when the importer first reads
// past the header, as a Ctrl-C during a long import would.
type cancelOnRead struct {
	r      io.Reader
	cancel func()
	reads  int
}

func (c *cancelOnRead) Read(p []byte) (int, error) {
	if c.reads++; c.reads == 2 {
		c.cancel()
	}
	return c.r.Read(p[:min(len(p), 4096)])
}

func TestInterruptedImportLeavesDatabaseAndSaysSo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "i.db")
	cli(t, "", "--db", db, "import", "csv", repoFile("testdata", "polblogs", "polblogs.csv"))
	before, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	var in strings.Builder
	in.WriteString("source,target\n")
	for i := range 200_000 {
		fmt.Fprintf(&in, "a%d,b%d\n", i, i%977)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	streams := &IOStreams{In: &cancelOnRead{r: strings.NewReader(in.String()), cancel: cancel}, Out: &out, ErrOut: &errOut}
	code := execute(ctx, []string{"--db", db, "import", "csv", "-"}, streams, func(string) string { return "" })
	if code != 130 || !strings.Contains(errOut.String(), "nothing was imported") || !strings.Contains(errOut.String(), "run the same command again") {
		t.Fatalf("code %d, stderr %q", code, errOut.String())
	}
	if after, _, _ := cli(t, "", "--db", db, "stats", "--format", "json"); after != before {
		t.Fatalf("an interrupted import changed the database:\n%s\n%s", before, after)
	}
}

// The CSV columns of rank are a contract: every measure, in list order, and
// the first eight exactly as the first release printed them.
func TestRankColumnsAreTheMeasureList(t *testing.T) {
	want := "rank,account,name,platform," + strings.Join(measureNames(allMeasures()), ",")
	if !strings.HasPrefix(want, "rank,account,name,platform,pagerank,followers,reported_followers,reach2") {
		t.Fatalf("the measure list reorders the contract columns: %s", want)
	}
	seen := map[string]bool{}
	for _, m := range allMeasures() {
		if seen[m.Name] || m.Name == "" || m.Doc == "" || m.All == nil {
			t.Errorf("measure %q: duplicate, unnamed, undocumented or without All", m.Name)
		}
		seen[m.Name] = true
	}
	rep := rankReport(coreMeasures(), [][]float64{{0.5}, {2}, {math.NaN()}, {3}}, []store.AccountInfo{{Handle: "a", Platform: "local"}}, "engagement", true)
	if got := strings.Join(rep.names(), ","); got != "rank,account,platform,pagerank" {
		t.Errorf("engagement table columns = %s, want followers/reach2 left out (follow layer) and empty name/reported_followers left out", got)
	}
	rep = rankReport(coreMeasures(), [][]float64{{0.5}, {2}, {math.NaN()}, {3}}, []store.AccountInfo{{Handle: "a", Platform: "local"}}, "engagement", false)
	if got := strings.Join(rep.names(), ","); got != want[:len(got)] || len(rep.Rows[0]) != len(rep.Columns) {
		t.Errorf("CSV columns = %s, want every column", got)
	}
}
