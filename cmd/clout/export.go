package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/export"
	"github.com/clout-cli/clout/graph/store"
	"github.com/spf13/cobra"
)

// ExportOptions are the inputs of `clout export`.
type ExportOptions struct {
	IO     *IOStreams
	DB     string
	Format string
	// Output is the file (gexf, graphml; "" or "-" = stdout) or the prefix
	// of the two files (csv, parquet).
	Output           string
	Sel              SelectionFlags
	By               string
	Top              int
	Measures         string
	MinWeight        float64
	MinDegree        int
	LargestComponent bool
	Dynamic          bool
	Topics           []string
	Verbose          bool
	Now              func() time.Time
}

var exportFormats = []string{"gexf", "graphml", "csv", "parquet"}

func newExportCmd(f *Factory) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export gexf|graphml|csv|parquet",
		Short: "Write the graph with every account's measures for Gephi, yEd, networkx, DuckDB, Spark",
		Long: `Write the chosen layer (same selection flags as rank) as a graph file: every
account a node with its measures as attributes (the columns of clout rank),
every edge with its weight and its count of each kind (follow, repost, quote,
reply, mention, like).

Formats:
  gexf     GEXF 1.3, opens in Gephi 0.10; --dynamic gives each node and edge
           the time it first appeared, so Gephi's timeline plays the
           conversation
  graphml  GraphML: Gephi, yEd, igraph, networkx, NodeXL
  csv      two files, PREFIX-nodes.csv (Id,Label,...) and PREFIX-edges.csv
           (Source,Target,Type,Weight,...): Gephi's and NodeXL's spreadsheet
           import
  parquet  PREFIX-nodes.parquet and PREFIX-edges.parquet with typed columns,
           for pandas, DuckDB, Polars, Spark

gexf and graphml go to stdout unless -o names a file; csv and parquet take -o
as the prefix of their two files (default "clout"). Files are written under a
temporary name and renamed when complete, so an interrupted export never
leaves half a file. Nodes are in (platform, key) order and edges in node
order, so the same data gives the same bytes.

Filters, applied in this order: --top N keeps the subgraph of the top N
accounts by --by; --min-weight drops lighter edges; --min-degree drops
accounts with fewer edges left (one pass); --largest-component keeps the
largest weakly connected component.`,
		Example: `  clout export gexf -o polblogs.gexf
  clout export gexf --layer engagement --dynamic --since 2024-03-01T17:00:00Z --until 2024-03-01T18:00:00Z -o chat.gexf
  clout export graphml --top 1000 -o top1000.graphml
  clout export csv --min-weight 2 --largest-component -o chat      # chat-nodes.csv, chat-edges.csv
  clout export parquet --measures pagerank,followers -o graph      # graph-nodes.parquet, graph-edges.parquet`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return exportFormats, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB, opts.Format = f.IO, f.DBPath(), args[0]
			return runExport(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "", "output `FILE` (gexf, graphml; default stdout) or file prefix (csv, parquet; default clout)")
	fl.StringVar(&opts.By, "by", "pagerank", "measure that chooses --top")
	fl.IntVar(&opts.Top, "top", 0, "export the subgraph of the top `N` accounts by --by (0 = every account)")
	fl.StringVar(&opts.Measures, "measures", "", "node attributes: `LIST` of measures, or all (default: all but the on-demand ones)")
	fl.Float64Var(&opts.MinWeight, "min-weight", 0, "drop edges lighter than `W`")
	fl.IntVar(&opts.MinDegree, "min-degree", 0, "drop accounts with fewer than `D` edges (in + out)")
	fl.BoolVar(&opts.LargestComponent, "largest-component", false, "keep only the largest weakly connected component")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "export the conversation of this hashtag (`#tag`; repeatable, any of them)")
	fl.BoolVar(&opts.Dynamic, "dynamic", false, "gexf: give nodes and edges the time they first appeared (Gephi timeline)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings to stderr")
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(measureNames(allMeasures())...))
	return cmd
}

func runExport(ctx context.Context, opts *ExportOptions) error {
	format := strings.ToLower(opts.Format)
	if !slices.Contains(exportFormats, format) {
		return usageErrorf("unknown export format %q: want gexf, graphml, csv or parquet", opts.Format)
	}
	if opts.Dynamic && format != "gexf" {
		return usageErrorf("--dynamic is for gexf (GraphML, CSV and Parquet have no timeline)")
	}
	if opts.Top < 0 || opts.MinDegree < 0 || opts.MinWeight < 0 {
		return usageErrorf("--top, --min-degree and --min-weight must not be negative")
	}
	sel, err := parseSelection(&opts.Sel, opts.Now)
	if err != nil {
		return err
	}
	topics, err := sel.withTopics(opts.Topics)
	if err != nil {
		return err
	}
	measures := allMeasures()
	by, err := measureByName(measures, opts.By)
	if err != nil {
		return err
	}
	needBy := ""
	if opts.Top > 0 {
		needBy = by.Name
	}
	on, err := chooseMeasures(measures, opts.Measures, needBy)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, opts.DB, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := sel.settle(ctx, s, opts.IO.ErrOut); err != nil {
		return err
	}
	sel.Layer.Topics = topics
	env := newMeasureEnv(s, sel, opts.IO.ErrOut, opts.Verbose)
	if err := topicSeeds(ctx, env); err != nil {
		return err
	}
	if err := deferCostly(ctx, env, measures, on, opts.Measures, needBy, true); err != nil {
		return err
	}
	t0 := time.Now()
	g, err := exportGraph(ctx, env, measures, on, by, opts)
	if err != nil {
		return err
	}
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "export: %d accounts, %d edges gathered in %s\n", len(g.IDs), len(g.Src), time.Since(t0).Round(time.Millisecond))
	}
	switch format {
	case "gexf", "graphml":
		write := func(w io.Writer) error {
			if format == "gexf" {
				return export.WriteGEXF(w, g, export.GEXFOptions{Dynamic: opts.Dynamic})
			}
			return export.WriteGraphML(w, g)
		}
		if opts.Output == "" || opts.Output == "-" {
			return write(opts.IO.Out)
		}
		return writeFiles(opts.IO.ErrOut, []string{opts.Output}, func(ws []io.Writer) error { return write(ws[0]) })
	default:
		prefix := opts.Output
		if prefix == "" || prefix == "-" {
			prefix = "clout"
		}
		ext := "." + format
		paths := []string{prefix + "-nodes" + ext, prefix + "-edges" + ext}
		return writeFiles(opts.IO.ErrOut, paths, func(ws []io.Writer) error {
			if format == "csv" {
				return export.WriteCSV(ws[0], ws[1], g)
			}
			return export.WriteParquet(ws[0], ws[1], g)
		})
	}
}

// exportGraph gathers the selection into an export.Graph: the accounts (all,
// or the --top subgraph) in (platform, key) order with their measures, the
// edges of the ranked layer with weight and per-kind counts, then the
// filters.
func exportGraph(ctx context.Context, env *MeasureEnv, ms []Measure, on []bool, by Measure, opts *ExportOptions) (*export.Graph, error) {
	l, err := env.Ranked(ctx)
	if err != nil {
		return nil, err
	}
	if l.Graph.N() == 0 {
		return nil, fmt.Errorf("database %s holds no accounts%s: import or crawl something first", env.Store.Path(), platformNote(env.Sel.Platform))
	}
	var nodes []uint32
	var infos []store.AccountInfo
	if opts.Top > 0 {
		if nodes, infos, err = rankNodes(ctx, env, by, opts.Top, nil); err != nil {
			return nil, err
		}
	} else {
		if infos, err = env.AllInfos(ctx); err != nil {
			return nil, err
		}
		nodes = allNodes(len(infos))
	}
	// Canonical order: the graph's node order, which is by platform and key
	// whatever order the accounts arrived in.
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(nodes[a], nodes[b]) })
	nodes, infos = pickOrder(nodes, order), pickOrder(infos, order)
	cols, err := measureColumns(ctx, env, ms, on, nodes)
	if err != nil {
		return nil, err
	}
	n := len(nodes)
	g := &export.Graph{IDs: make([]string, n), Labels: make([]string, n), Creator: versionString(),
		Description: fmt.Sprintf("clout export, %s layer%s", env.Sel.LayerName, platformNote(env.Sel.Platform))}
	str := func(name string, f func(a *store.AccountInfo) string) export.Attr {
		a := export.Attr{Name: name, Type: export.String, Str: make([]string, n)}
		for i := range infos {
			a.Str[i] = f(&infos[i])
		}
		return a
	}
	g.NodeAttrs = append(g.NodeAttrs,
		str("platform", func(a *store.AccountInfo) string { return a.Platform }),
		str("key", func(a *store.AccountInfo) string { return a.Key }),
		str("handle", func(a *store.AccountInfo) string { return a.Handle }),
		str("name", func(a *store.AccountInfo) string { return a.Name }))
	for i, m := range ms {
		if !on[i] {
			continue
		}
		t := export.Float
		if m.Int {
			t = export.Int
		}
		g.NodeAttrs = append(g.NodeAttrs, export.Attr{Name: m.Name, Type: t, Num: cols[i]})
	}
	pos := make([]int32, l.Graph.N()) // node → position in g, or -1
	for i := range pos {
		pos[i] = -1
	}
	for i, v := range nodes {
		pos[v] = int32(i)
		g.IDs[i] = infos[i].Platform + ":" + infos[i].Key
		g.Labels[i] = infos[i].Label()
	}
	if err := exportEdges(ctx, env, l, nodes, pos, g, opts.Dynamic); err != nil {
		return nil, err
	}
	if opts.MinWeight > 0 {
		g = g.MinWeight(opts.MinWeight)
	}
	if opts.MinDegree > 0 {
		g = g.MinDegree(opts.MinDegree)
	}
	if opts.LargestComponent {
		g = g.LargestComponent()
	}
	return g, nil
}

// exportEdges adds the ranked layer's edges between exported nodes, in node
// order, with their weight and per-kind counts (and, for --dynamic, when
// each edge and node first appeared).
func exportEdges(ctx context.Context, env *MeasureEnv, l *store.Loaded, nodes []uint32, pos []int32, g *export.Graph, dynamic bool) error {
	gr := l.Graph
	// rowStart[u] is where u's exported edges begin in g; they end where
	// the next exported source's begin. Targets within a row ascend (out-rows
	// are sorted, and positions follow node order), so an edge is found by
	// binary search, without a map of millions of pairs.
	rowStart := make([]int, gr.N()+1)
	for u := range gr.N() {
		rowStart[u] = len(g.Src)
		if pos[u] < 0 {
			continue
		}
		nbrs, w := gr.Out(uint32(u))
		for j, v := range nbrs {
			if pos[v] < 0 {
				continue
			}
			wt := 1.0
			if w != nil {
				wt = float64(w[j])
			}
			g.Src = append(g.Src, pos[u])
			g.Dst = append(g.Dst, pos[v])
			g.Weight = append(g.Weight, wt)
		}
	}
	rowStart[gr.N()] = len(g.Src)
	edgeAt := func(u, v uint32) (int, bool) {
		lo, hi := rowStart[u], rowStart[u+1]
		i, found := slices.BinarySearch(g.Dst[lo:hi], pos[v])
		return lo + i, found
	}
	kinds := graph.Kinds()
	counts := make([]export.Attr, len(kinds))
	for i, k := range kinds {
		counts[i] = export.Attr{Name: k.String(), Type: export.Int, Num: make([]float64, len(g.Src))}
	}
	if env.Sel.Layer.Weights[graph.Follow] > 0 {
		f, err := env.Follow(ctx)
		if err != nil {
			return err
		}
		for e := range g.Src {
			// Out-rows are sorted by target (graph.NewGraph).
			u, v := nodes[g.Src[e]], nodes[g.Dst[e]]
			if nbrs, _ := f.Graph.Out(u); len(nbrs) > 0 {
				if _, found := slices.BinarySearch(nbrs, v); found {
					counts[0].Num[e] = 1
				}
			}
		}
	}
	var edgeStart []time.Time
	if dynamic {
		edgeStart = make([]time.Time, len(g.Src))
	}
	err := env.Store.EdgeKinds(ctx, env.Sel.Layer, func(c store.KindCount) error {
		u, uok := l.Node(c.Src)
		v, vok := l.Node(c.Dst)
		if !uok || !vok || pos[u] < 0 || pos[v] < 0 {
			return nil
		}
		e, ok := edgeAt(u, v)
		if !ok {
			return nil
		}
		counts[c.Kind].Num[e] += float64(c.Count)
		if dynamic && c.First > 0 {
			t := time.Unix(c.First, 0).UTC()
			if edgeStart[e].IsZero() || t.Before(edgeStart[e]) {
				edgeStart[e] = t
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.EdgeAttrs = counts
	if dynamic {
		g.EdgeStart = edgeStart
		g.NodeStart = make([]time.Time, len(g.IDs))
		for e, t := range edgeStart {
			for _, v := range []int32{g.Src[e], g.Dst[e]} {
				if !t.IsZero() && (g.NodeStart[v].IsZero() || t.Before(g.NodeStart[v])) {
					g.NodeStart[v] = t
				}
			}
		}
	}
	return nil
}

func pickOrder[T any](s []T, order []int) []T {
	out := make([]T, len(order))
	for i, j := range order {
		out[i] = s[j]
	}
	return out
}

// writeFiles writes each path through a temporary file in the same folder,
// renamed into place only when every file is complete.
func writeFiles(errOut io.Writer, paths []string, write func([]io.Writer) error) error {
	tmps := make([]*os.File, len(paths))
	ws := make([]io.Writer, len(paths))
	cleanup := func() {
		for _, f := range tmps {
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
		}
	}
	for i, p := range paths {
		f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", p, err)
		}
		tmps[i], ws[i] = f, f
	}
	if err := write(ws); err != nil {
		cleanup()
		return err
	}
	for i, f := range tmps {
		// CreateTemp makes files private; a report or export is for sharing.
		f.Chmod(0o644)
		if err := f.Close(); err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", paths[i], err)
		}
	}
	for i, f := range tmps {
		if err := os.Rename(f.Name(), paths[i]); err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", paths[i], err)
		}
		tmps[i] = nil
		fmt.Fprintf(errOut, "wrote %s\n", paths[i])
	}
	return nil
}
