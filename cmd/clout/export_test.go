package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

type gexfDoc struct {
	Graph struct {
		Attributes []struct {
			Class string `xml:"class,attr"`
			Attrs []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []struct {
			ID     string `xml:"id,attr"`
			Label  string `xml:"label,attr"`
			Values []struct {
				For   string `xml:"for,attr"`
				Value string `xml:"value,attr"`
			} `xml:"attvalues>attvalue"`
		} `xml:"nodes>node"`
		Edges []struct {
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Weight float64 `xml:"weight,attr"`
			Values []struct {
				For   string `xml:"for,attr"`
				Value string `xml:"value,attr"`
			} `xml:"attvalues>attvalue"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

func TestExportGEXFCarriesEveryAccountAndTheRankMeasures(t *testing.T) {
	db := polblogsDB(t)
	out := filepath.Join(t.TempDir(), "pb.gexf")
	if _, errOut, code := cli(t, "", "--db", db, "export", "gexf", "-o", out); code != 0 {
		t.Fatalf("export exited %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc gexfDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Graph.Nodes) != 1490 || len(doc.Graph.Edges) != 19022 {
		t.Fatalf("%d nodes, %d edges; want polblogs' 1490 and 19022", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	ids := map[string]string{}
	for _, a := range doc.Graph.Attributes[0].Attrs {
		ids[a.Title] = a.ID
	}
	csvOut, _, _ := cli(t, "", "--db", db, "rank", "--top", "5", "--format", "csv")
	for _, row := range readCSV(t, csvOut) {
		found := false
		for _, n := range doc.Graph.Nodes {
			if n.ID != "local:"+row["account"] {
				continue
			}
			found = true
			for _, v := range n.Values {
				for _, col := range []string{"pagerank", "followers", "reach2"} {
					if v.For == ids[col] && v.Value != row[col] {
						t.Errorf("%s %s = %s in the GEXF, %s in rank", row["account"], col, v.Value, row[col])
					}
				}
			}
		}
		if !found {
			t.Errorf("%s missing from the export", row["account"])
		}
	}
	// Nodes in the canonical order: platform, then key.
	for i := 1; i < len(doc.Graph.Nodes); i++ {
		a, b := doc.Graph.Nodes[i-1].ID, doc.Graph.Nodes[i].ID
		if a >= b {
			t.Fatalf("nodes out of order: %s before %s", doc.Graph.Nodes[i-1].ID, doc.Graph.Nodes[i].ID)
		}
	}
}

func TestExportTopAndFilters(t *testing.T) {
	db := polblogsDB(t)
	dir := t.TempDir()
	if _, errOut, code := cli(t, "", "--db", db, "export", "csv", "--top", "10", "-o", filepath.Join(dir, "top")); code != 0 {
		t.Fatalf("export exited %d: %s", code, errOut)
	}
	nodes, _ := os.ReadFile(filepath.Join(dir, "top-nodes.csv"))
	edges, _ := os.ReadFile(filepath.Join(dir, "top-edges.csv"))
	rows := readCSV(t, string(nodes))
	if len(rows) != 10 {
		t.Fatalf("--top 10 exported %d accounts", len(rows))
	}
	rank, _, _ := cli(t, "", "--db", db, "rank", "--top", "10", "--format", "csv")
	want := map[string]bool{}
	for _, r := range readCSV(t, rank) {
		want["local:"+r["account"]] = true
	}
	for _, r := range rows {
		if !want[r["Id"]] {
			t.Errorf("%s exported but not in rank's top 10", r["Id"])
		}
	}
	for _, e := range readCSV(t, string(edges)) {
		if !want[e["Source"]] || !want[e["Target"]] || e["follow"] != "1" || e["Type"] != "Directed" {
			t.Errorf("edge %v leaves the top 10 or lost its follow count", e)
		}
	}
	// --min-degree drops accounts with fewer edges left; --largest-component keeps one piece.
	if _, errOut, code := cli(t, "", "--db", db, "export", "csv", "--min-degree", "100", "--largest-component", "-o", filepath.Join(dir, "dense")); code != 0 {
		t.Fatalf("export exited %d: %s", code, errOut)
	}
	dense, _ := os.ReadFile(filepath.Join(dir, "dense-nodes.csv"))
	if n := len(readCSV(t, string(dense))); n == 0 || n > 200 {
		t.Errorf("--min-degree 100 kept %d accounts", n)
	}
}

func TestExportEngagementCountsPerKind(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tw.db")
	var files []string
	for _, f := range []string{"v1.jsonl", "page.jsonl", "flattened.jsonl", "stream.jsonl"} {
		files = append(files, repoFile("testdata", "twarc", f))
	}
	if _, errOut, code := cli(t, "", append([]string{"--db", db, "import", "twarc"}, files...)...); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	stats, _, _ := cli(t, "", "--db", db, "stats", "--format", "json")
	dir := t.TempDir()
	if _, errOut, code := cli(t, "", "--db", db, "export", "csv", "--layer", "engagement", "-o", filepath.Join(dir, "e")); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	edges, _ := os.ReadFile(filepath.Join(dir, "e-edges.csv"))
	sum := map[string]int{}
	for _, e := range readCSV(t, string(edges)) {
		for _, k := range []string{"repost", "quote", "reply", "mention", "like"} {
			n, _ := strconv.Atoi(e[k])
			sum[k] += n
		}
	}
	for _, k := range []string{"repost", "quote", "reply", "mention"} {
		if !strings.Contains(stats, `"`+k+`":`+strconv.Itoa(sum[k])) {
			t.Errorf("exported %d %s events; stats says %s", sum[k], k, stats)
		}
	}
}

func TestExportErrors(t *testing.T) {
	db := polblogsDB(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export", "xls"}, 2, "unknown export format"},
		{[]string{"export", "graphml", "--dynamic"}, 2, "--dynamic is for gexf"},
		{[]string{"export", "gexf", "--measures", "nope"}, 2, "unknown measure"},
		{[]string{"export", "gexf", "-o", filepath.Join(t.TempDir(), "no", "such", "dir.gexf")}, 1, "cannot write"},
	} {
		_, errOut, code := cli(t, "", append([]string{"--db", db}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d %q, want %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
}
