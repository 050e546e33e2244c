package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sample is a small graph with everything a writer must get right: unicode
// and markup in labels, a missing value, integer and float and string
// attributes, a node without edges, start times.
func sample() *Graph {
	t0 := time.Date(2024, 3, 1, 17, 0, 0, 0, time.UTC)
	return &Graph{
		IDs:    []string{"local:alice", "local:bob", `local:"carol" & <co>`, "bluesky:did:plc:ü"},
		Labels: []string{"alice", "Bob \"the builder\"", "carol <&>", "ü-ñ 🙂"},
		NodeAttrs: []Attr{
			{Name: "pagerank", Type: Float, Num: []float64{0.5, 0.25, 0.125, 0.125}},
			{Name: "followers", Type: Int, Num: []float64{2, 1, 0, 0}},
			{Name: "reported_followers", Type: Int, Num: []float64{1234567, math.NaN(), 5, math.NaN()}},
			{Name: "platform", Type: String, Str: []string{"local", "local", "local", "bluesky"}},
		},
		Src:    []int32{1, 2, 0},
		Dst:    []int32{0, 0, 1},
		Weight: []float64{1.5, 0.25, 1},
		EdgeAttrs: []Attr{
			{Name: "repost", Type: Int, Num: []float64{1, 0, 1}},
			{Name: "reply", Type: Int, Num: []float64{1, 0, 0}},
			{Name: "like", Type: Int, Num: []float64{0, 1, 0}},
		},
		NodeStart:   []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), {}},
		EdgeStart:   []time.Time{t0.Add(time.Minute), t0.Add(2 * time.Minute), t0},
		Creator:     "clout test",
		Description: "sample <graph>",
	}
}

// tool returns the path of an external program the read-back tests need.
// Missing, the test is skipped on a developer's machine and fails in CI
// (CI=true), where .ci/run installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed for this test and .ci/run installs it: %v", name, err)
		}
		t.Skipf("%s not installed (.ci/run installs it)", name)
	}
	return p
}

func write(t *testing.T, name string, f func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pythonWithNetworkx finds a python3 that imports networkx.
func pythonWithNetworkx(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import networkx").Run() == nil {
			return p
		}
	}
	tool(t, "networkx (python3 -c 'import networkx')")
	return ""
}

type readBack struct {
	Nodes map[string]map[string]any `json:"nodes"`
	Edges [][3]json.RawMessage      `json:"edges"`
}

func networkxRead(t *testing.T, format, path string) readBack {
	t.Helper()
	py := pythonWithNetworkx(t)
	out, err := exec.Command(py, "testdata/readback.py", format, path).CombinedOutput()
	if err != nil {
		t.Fatalf("networkx could not read the %s file: %v\n%s", format, err, out)
	}
	var rb readBack
	if err := json.Unmarshal(out, &rb); err != nil {
		t.Fatalf("readback output: %v\n%s", err, out)
	}
	return rb
}

// checkNetworkx compares what networkx read with the sample.
func checkNetworkx(t *testing.T, g *Graph, rb readBack) {
	t.Helper()
	if len(rb.Nodes) != len(g.IDs) || len(rb.Edges) != len(g.Src) {
		t.Fatalf("read back %d nodes and %d edges, want %d and %d", len(rb.Nodes), len(rb.Edges), len(g.IDs), len(g.Src))
	}
	for v, id := range g.IDs {
		got, ok := rb.Nodes[id]
		if !ok {
			t.Fatalf("node %q missing; have %v", id, rb.Nodes)
		}
		if got["label"] != g.Labels[v] {
			t.Errorf("node %q label %q, want %q", id, got["label"], g.Labels[v])
		}
		for _, a := range g.NodeAttrs {
			val, present := got[a.Name]
			if a.Missing(v) {
				if present {
					t.Errorf("node %q %s = %v, want no value", id, a.Name, val)
				}
				continue
			}
			checkValue(t, id+" "+a.Name, a, v, val)
		}
	}
	for e, raw := range rb.Edges {
		var src, dst string
		var attrs map[string]any
		json.Unmarshal(raw[0], &src)
		json.Unmarshal(raw[1], &dst)
		json.Unmarshal(raw[2], &attrs)
		i := -1
		for k := range g.Src {
			if g.IDs[g.Src[k]] == src && g.IDs[g.Dst[k]] == dst {
				i = k
			}
		}
		if i < 0 {
			t.Fatalf("edge %d %q → %q is not in the sample", e, src, dst)
		}
		if w, _ := attrs["weight"].(float64); w != g.Weight[i] {
			t.Errorf("edge %s → %s weight %v, want %v", src, dst, attrs["weight"], g.Weight[i])
		}
		for _, a := range g.EdgeAttrs {
			checkValue(t, src+"→"+dst+" "+a.Name, a, i, attrs[a.Name])
		}
	}
}

func checkValue(t *testing.T, what string, a Attr, i int, got any) {
	t.Helper()
	switch a.Type {
	case String:
		if got != a.Str[i] {
			t.Errorf("%s = %v, want %q", what, got, a.Str[i])
		}
	default:
		f, ok := got.(float64) // JSON numbers
		if !ok || f != a.Num[i] {
			t.Errorf("%s = %v (%T), want %v", what, got, got, a.Num[i])
		}
	}
}

func TestGEXFValidatesAgainstTheSchemaAndReadsBack(t *testing.T) {
	for _, dynamic := range []bool{false, true} {
		t.Run("dynamic="+strconv.FormatBool(dynamic), func(t *testing.T) {
			g := sample()
			p := write(t, "g.gexf", func(b *bytes.Buffer) error { return WriteGEXF(b, g, GEXFOptions{Dynamic: dynamic}) })
			xmllint := tool(t, "xmllint")
			schema, _ := filepath.Abs("../../testdata/gexf/1.3/gexf.xsd")
			if out, err := exec.Command(xmllint, "--noout", "--schema", schema, p).CombinedOutput(); err != nil {
				t.Fatalf("GEXF does not validate against the GEXF 1.3 schema: %v\n%s", err, out)
			}
			if !dynamic {
				checkNetworkx(t, g, networkxRead(t, "gexf", p))
				return
			}
			// networkx reads GEXF times only as numbers, so the dynamic file
			// (dateTime, as Gephi's timeline wants) is read back with
			// encoding/xml.
			var doc struct {
				Graph struct {
					Mode  string `xml:"mode,attr"`
					Nodes []struct {
						ID    string `xml:"id,attr"`
						Start string `xml:"start,attr"`
					} `xml:"nodes>node"`
					Edges []struct {
						Start string `xml:"start,attr"`
					} `xml:"edges>edge"`
				} `xml:"graph"`
			}
			b, _ := os.ReadFile(p)
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Graph.Mode != "dynamic" || len(doc.Graph.Nodes) != 4 || doc.Graph.Nodes[1].Start != "2024-03-01T17:01:00Z" ||
				doc.Graph.Nodes[3].Start != "" || doc.Graph.Edges[2].Start != "2024-03-01T17:00:00Z" {
				t.Errorf("dynamic GEXF read back as %+v", doc.Graph)
			}
		})
	}
}

func TestGraphMLReadsBack(t *testing.T) {
	g := sample()
	p := write(t, "g.graphml", func(b *bytes.Buffer) error { return WriteGraphML(b, g) })
	checkNetworkx(t, g, networkxRead(t, "graphml", p))
}

func TestCSVReadsBack(t *testing.T) {
	g := sample()
	var nodes, edges bytes.Buffer
	if err := WriteCSV(&nodes, &edges, g); err != nil {
		t.Fatal(err)
	}
	nr, err := csv.NewReader(&nodes).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(nr[0], ",") != "Id,Label,pagerank,followers,reported_followers,platform" {
		t.Errorf("node header %v", nr[0])
	}
	if len(nr) != 5 || nr[3][0] != `local:"carol" & <co>` || nr[2][1] != `Bob "the builder"` || nr[2][4] != "" || nr[1][4] != "1234567" {
		t.Errorf("node rows %q", nr)
	}
	er, err := csv.NewReader(&edges).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(er[0], ",") != "Source,Target,Type,Weight,repost,reply,like" || len(er) != 4 ||
		strings.Join(er[1], ",") != "local:bob,local:alice,Directed,1.5,1,1,0" {
		t.Errorf("edge rows %q", er)
	}
}

func TestParquetReadsBackInAnIndependentReader(t *testing.T) {
	node := tool(t, "node")
	deps := os.Getenv("CLOUT_JS_DEPS") // a folder with node_modules/hyparquet
	if deps == "" {
		home, _ := os.UserHomeDir()
		deps = filepath.Join(home, ".cache", "clout-ci", "npm")
	}
	if _, err := os.Stat(filepath.Join(deps, "node_modules", "hyparquet")); err != nil {
		tool(t, "hyparquet (npm install --prefix "+deps+" hyparquet)")
	}
	script, err := os.ReadFile("testdata/read_parquet.mjs")
	if err != nil {
		t.Fatal(err)
	}
	// ES modules resolve packages from the script's folder, so the script
	// runs from the folder that has hyparquet.
	runner := filepath.Join(deps, "clout_read_parquet.mjs")
	if err := os.WriteFile(runner, script, 0o644); err != nil {
		t.Fatal(err)
	}
	g := sample()
	var nodes, edges bytes.Buffer
	if err := WriteParquet(&nodes, &edges, g); err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) (cols []map[string]any, rows []map[string]any) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		os.WriteFile(p, b, 0o644)
		out, err := exec.Command(node, runner, p).CombinedOutput()
		if err != nil {
			t.Fatalf("hyparquet could not read the file: %v\n%s", err, out)
		}
		var v struct {
			Columns []map[string]any `json:"columns"`
			Rows    []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return v.Columns, v.Rows
	}
	cols, rows := read(nodes.Bytes())
	wantCols := "id:BYTE_ARRAY,label:BYTE_ARRAY,pagerank:DOUBLE?,followers:INT64?,reported_followers:INT64?,platform:BYTE_ARRAY"
	var got []string
	for _, c := range cols {
		s := c["name"].(string) + ":" + c["type"].(string)
		if c["optional"] == true {
			s += "?"
		}
		got = append(got, s)
	}
	if strings.Join(got, ",") != wantCols {
		t.Errorf("node columns %s, want %s", strings.Join(got, ","), wantCols)
	}
	if len(rows) != len(g.IDs) {
		t.Fatalf("%d node rows, want %d", len(rows), len(g.IDs))
	}
	for v, r := range rows {
		if r["id"] != g.IDs[v] || r["label"] != g.Labels[v] {
			t.Errorf("row %d: id %v label %v", v, r["id"], r["label"])
		}
		for _, a := range g.NodeAttrs {
			if a.Missing(v) {
				if r[a.Name] != nil {
					t.Errorf("row %d %s = %v, want null", v, a.Name, r[a.Name])
				}
				continue
			}
			checkValue(t, "parquet node "+g.IDs[v]+" "+a.Name, a, v, r[a.Name])
		}
	}
	_, erows := read(edges.Bytes())
	if len(erows) != len(g.Src) {
		t.Fatalf("%d edge rows, want %d", len(erows), len(g.Src))
	}
	for e, r := range erows {
		if r["source"] != g.IDs[g.Src[e]] || r["target"] != g.IDs[g.Dst[e]] || r["weight"] != g.Weight[e] || r["repost"] != g.EdgeAttrs[0].Num[e] {
			t.Errorf("edge row %d = %v", e, r)
		}
	}
}

func TestWritersAreDeterministic(t *testing.T) {
	for name, f := range map[string]func(*bytes.Buffer, *Graph) error{
		"gexf":    func(b *bytes.Buffer, g *Graph) error { return WriteGEXF(b, g, GEXFOptions{Dynamic: true}) },
		"graphml": func(b *bytes.Buffer, g *Graph) error { return WriteGraphML(b, g) },
		"csv":     func(b *bytes.Buffer, g *Graph) error { return WriteCSV(b, b, g) },
		"parquet": func(b *bytes.Buffer, g *Graph) error { return WriteParquet(b, b, g) },
	} {
		var a, b bytes.Buffer
		if err := f(&a, sample()); err != nil {
			t.Fatal(name, err)
		}
		f(&b, sample())
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes of the same graph differ", name)
		}
	}
}

func TestFilters(t *testing.T) {
	// 0→1, 1→2 (a component of 3), 3→4 light (a component of 2), 5 alone.
	g := &Graph{IDs: []string{"a", "b", "c", "d", "e", "f"}, Labels: []string{"a", "b", "c", "d", "e", "f"},
		NodeAttrs: []Attr{{Name: "x", Type: Float, Num: []float64{0, 1, 2, 3, 4, 5}}},
		Src:       []int32{0, 1, 3}, Dst: []int32{1, 2, 4}, Weight: []float64{2, 3, 0.5},
		EdgeAttrs: []Attr{{Name: "k", Type: String, Str: []string{"p", "q", "r"}}}}
	lc := g.LargestComponent()
	if strings.Join(lc.IDs, "") != "abc" || len(lc.Src) != 2 || lc.NodeAttrs[0].Num[2] != 2 || lc.EdgeAttrs[0].Str[1] != "q" {
		t.Errorf("largest component: %v %v %v", lc.IDs, lc.Src, lc.Dst)
	}
	mw := g.MinWeight(1)
	if len(mw.Src) != 2 || len(mw.IDs) != 6 {
		t.Errorf("min weight kept %d edges of 3 (want 2), %d nodes", len(mw.Src), len(mw.IDs))
	}
	md := g.MinDegree(2)
	if strings.Join(md.IDs, "") != "b" || len(md.Src) != 0 {
		t.Errorf("min degree 2 kept %v", md.IDs)
	}
	sub := g.Subgraph([]bool{false, true, true, false, false, true})
	if strings.Join(sub.IDs, "") != "bcf" || len(sub.Src) != 1 || sub.Src[0] != 0 || sub.Dst[0] != 1 || sub.Weight[0] != 3 {
		t.Errorf("subgraph %v %v→%v", sub.IDs, sub.Src, sub.Dst)
	}
	h := &Graph{IDs: []string{"a", "b", "c"}, Labels: []string{"", "", ""}, Src: []int32{2, 0, 2}, Dst: []int32{0, 1, 1}, Weight: []float64{1, 2, 3}}
	h.SortEdges()
	if h.Src[0] != 0 || h.Src[1] != 2 || h.Dst[1] != 0 || h.Weight[2] != 3 {
		t.Errorf("sorted edges %v→%v %v", h.Src, h.Dst, h.Weight)
	}
	if err := (&Graph{IDs: []string{"a"}, Labels: []string{"a"}, Src: []int32{0}, Dst: []int32{3}, Weight: []float64{1}}).Check(); err == nil {
		t.Error("an edge to a missing node passed Check")
	}
}
