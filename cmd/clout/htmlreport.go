package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/cmd/clout/report"
	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
	"github.com/clout-cli/clout/influence"
	"github.com/spf13/cobra"
)

// ReportOptions are the inputs of `clout report`.
type ReportOptions struct {
	IO       *IOStreams
	DB       string
	Output   string
	Title    string
	Sel      SelectionFlags
	Topics   []string
	By       string
	Top      int
	Measures string
	Verbose  bool
	Now      func() time.Time
}

func newReportCmd(f *Factory) *cobra.Command {
	opts := &ReportOptions{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a one-page HTML report: the dataset, the ranking and the charts that explain it",
		Long: `Write one self-contained HTML file (no network access needed to open it: styles,
charts and script are inline) to hand to someone who will not run clout:

  - the dataset: accounts, platforms, follow edges, events by kind, posts, time span;
  - the top accounts by --by with the measures that fit the layer, each with a
    "why" line (the measures it ranks highest on, the engagement it received);
    click a column to sort;
  - the distribution of followers and of engagement received (log-log);
  - how far the measures agree (Spearman rank correlations, as clout compare);
  - events over time, by kind;
  - community sizes, when the community measure is computed.

The selection flags are rank's. The file depends only on the data and the
flags: no clock time is written, so the same data gives the same bytes.`,
		Example: `  clout report -o report.html
  clout report --layer engagement --top 30 --title "#ciscosmt chat, 1 March" -o chat.html
  clout report --topic '#ciscosmt' -o ciscosmt.html
  clout report --measures all -o full.html     # also the on-demand measures (communities)`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.DB = f.IO, f.DBPath()
			return runReport(cmd.Context(), opts)
		},
	}
	opts.Sel.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&opts.Output, "output", "o", "report.html", "write the report to `FILE` ('-' = stdout)")
	fl.StringVar(&opts.Title, "title", "", "the report's `TITLE` (default: clout report)")
	fl.StringArrayVar(&opts.Topics, "topic", nil, "report on the conversation of this hashtag (`#tag`; repeatable)")
	fl.StringVar(&opts.By, "by", "pagerank", "measure the table is sorted by")
	fl.IntVar(&opts.Top, "top", 25, "accounts in the table")
	fl.StringVar(&opts.Measures, "measures", "", "measures to compute: `LIST` of names, or all (default: all but the on-demand ones)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "print timings to stderr")
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(measureNames(allMeasures())...))
	return cmd
}

func runReport(ctx context.Context, opts *ReportOptions) error {
	sel, err := parseSelection(&opts.Sel, opts.Now)
	if err != nil {
		return err
	}
	if opts.Top < 1 {
		return usageErrorf("--top must be at least 1, got %d", opts.Top)
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
	on, err := chooseMeasures(measures, opts.Measures, by.Name)
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
	if err := deferCostly(ctx, env, measures, on, opts.Measures, by.Name, true); err != nil {
		return err
	}
	t0 := time.Now()
	d, err := reportData(ctx, env, measures, on, by, opts)
	if err != nil {
		return err
	}
	if opts.Verbose {
		fmt.Fprintf(opts.IO.ErrOut, "report: gathered in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	write := func(w io.Writer) error { return report.Write(w, d) }
	if opts.Output == "-" {
		return write(opts.IO.Out)
	}
	return writeFiles(opts.IO.ErrOut, []string{opts.Output}, func(ws []io.Writer) error { return write(ws[0]) })
}

// reportData gathers everything the report shows.
func reportData(ctx context.Context, env *MeasureEnv, ms []Measure, on []bool, by Measure, opts *ReportOptions) (*report.Data, error) {
	st, err := env.Store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	nodes, infos, err := rankNodes(ctx, env, by, opts.Top, nil)
	if err != nil {
		return nil, err
	}
	l, err := env.Ranked(ctx)
	if err != nil {
		return nil, err
	}
	// Every chosen measure for every account: the why lines rank the top
	// rows among all accounts, the charts and the agreement use them all.
	all := make([][]float64, len(ms))
	for i := range ms {
		if on[i] {
			if all[i], err = env.AllOf(ctx, &ms[i]); err != nil {
				return nil, fmt.Errorf("%s: %w", ms[i].Name, err)
			}
		}
	}
	cols := make([][]float64, len(ms))
	for i := range ms {
		cols[i] = make([]float64, len(nodes))
		for r, v := range nodes {
			cols[i][r] = math.NaN()
			if all[i] != nil {
				cols[i][r] = all[i][v]
			}
		}
	}
	title := opts.Title
	if title == "" {
		title = "clout report"
	}
	d := &report.Data{Title: title, Subtitle: reportSubtitle(env.Sel, st), Footer: fmt.Sprintf("%s · data: %s", versionString(), dataVersionOf(ctx, env.Store))}
	d.Facts = reportFacts(st, l.Graph.N(), env.Sel)
	rep := reportTable(rankReport(ms, cols, infos, env.Sel.LayerName, true), by.Name, len(st.Platforms) > 1)
	d.Table = report.Table{Caption: fmt.Sprintf("Top %d accounts by %s", len(nodes), by.Name), Columns: rep.names(), Rows: rep.formatted(4)}
	for _, c := range rep.Columns {
		d.Table.Numeric = append(d.Table.Numeric, c.Number)
	}
	d.Table.Why = whyLines(ms, all, nodes, len(l.IDs))

	if fol := measureValues(ms, all, "followers"); fol != nil && st.Follows > 0 {
		d.Charts = append(d.Charts, report.Chart{ID: "followers", Title: "Followers",
			Caption: "How many accounts have k followers in the data (log-log). A straight line is a power law: a few accounts hold most of the attention.",
			SVG:     report.LogLog("Followers distribution", "followers k", "accounts with k followers", histogram(fol))})
	}
	if recv := receivedEngagement(ms, all); recv != nil {
		d.Charts = append(d.Charts, report.Chart{ID: "engagement", Title: "Engagement received",
			Caption: "How many accounts received n reposts, quotes, replies, mentions and likes in the window (log-log).",
			SVG:     report.LogLog("Engagement distribution", "events received n", "accounts with n", histogram(recv))})
	}
	if names, m := agreementMatrix(ms, all); len(names) >= 2 {
		d.Charts = append(d.Charts, report.Chart{ID: "agreement", Title: "Agreement between measures",
			Caption: "Spearman rank correlation between measures over every account (as clout compare): red agree, blue disagree. Follower counts and engagement usually rank different accounts first (Cha et al. 2010).",
			SVG:     report.Heatmap("Rank correlation between measures", names, m)})
	}
	if st.EventCount != nil && !st.FirstEvent.IsZero() {
		tl, err := eventTimeline(ctx, env, st)
		if err != nil {
			return nil, err
		}
		if tl != nil && len(tl.Starts) > 0 {
			starts := make([]time.Time, len(tl.Starts))
			for i, b := range tl.Starts {
				starts[i] = time.Unix(b, 0).UTC()
			}
			var series []report.Series
			for _, k := range graph.InteractionKinds() {
				vals := make([]float64, len(starts))
				sum := 0.0
				for i, c := range tl.Counts[k] {
					vals[i] = float64(c)
					sum += vals[i]
				}
				if sum > 0 {
					series = append(series, report.Series{Name: k.String(), Values: vals})
				}
			}
			d.Charts = append(d.Charts, report.Chart{ID: "timeline", Title: "Events over time",
				Caption: fmt.Sprintf("Interaction events per %s, by kind (UTC).", bucketName(tl.Bucket)),
				SVG:     report.Timeline("Events over time", "events per "+bucketName(tl.Bucket), starts, series)})
		}
	}
	if com := measureValues(ms, all, "community"); com != nil {
		labels, sizes := communitySizes(com, 15)
		d.Charts = append(d.Charts, report.Chart{ID: "communities", Title: "Community sizes",
			Caption: "Accounts in the largest communities (Leiden on the ranked layer, as clout communities).",
			SVG:     report.Bars("Community sizes", "accounts", labels, sizes)})
	}
	return d, nil
}

func dataVersionOf(ctx context.Context, s *store.Store) string {
	v, err := s.DataVersion(ctx)
	if err != nil {
		return "unknown"
	}
	return v
}

func reportSubtitle(sel Selection, st *store.Stats) string {
	parts := []string{sel.LayerName + " layer"}
	if sel.Platform != "" {
		parts = append(parts, "platform "+sel.Platform)
	} else {
		var ps []string
		for p := range st.Platforms {
			ps = append(ps, p)
		}
		slices.Sort(ps)
		parts = append(parts, strings.Join(ps, ", "))
	}
	if len(sel.Layer.Topics) > 0 {
		parts = append(parts, "topic #"+strings.Join(sel.Layer.Topics, " #"))
	}
	if !sel.Since.IsZero() || !sel.Until.IsZero() {
		parts = append(parts, "window "+windowText(sel.Since, sel.Until))
	}
	return strings.Join(parts, " · ")
}

func windowText(since, until time.Time) string {
	a, b := "…", "…"
	if !since.IsZero() {
		a = since.UTC().Format(time.RFC3339)
	}
	if !until.IsZero() {
		b = until.UTC().Format(time.RFC3339)
	}
	return "[" + a + ", " + b + ")"
}

func reportFacts(st *store.Stats, ranked int, sel Selection) []report.Fact {
	n := func(v int64) string { return groupDigits(v) }
	facts := []report.Fact{{Label: "accounts ranked", Value: n(int64(ranked))}, {Label: "follow edges", Value: n(st.Follows)}}
	var events int64
	for _, k := range graph.InteractionKinds() {
		events += st.EventCount[k]
	}
	facts = append(facts, report.Fact{Label: "interaction events", Value: n(events)})
	for _, k := range graph.InteractionKinds() {
		if c := st.EventCount[k]; c > 0 {
			facts = append(facts, report.Fact{Label: plural(k), Value: n(c)})
		}
	}
	if !st.FirstEvent.IsZero() {
		facts = append(facts, report.Fact{Label: "first event (UTC)", Value: st.FirstEvent.UTC().Format("2006-01-02 15:04")},
			report.Fact{Label: "last event (UTC)", Value: st.LastEvent.UTC().Format("2006-01-02 15:04")})
	}
	return facts
}

func plural(k graph.Kind) string {
	if k == graph.Reply {
		return "replies"
	}
	return k.String() + "s"
}

// reportTable keeps the report's table to what fits a page beside the why
// line: rank, account, name, platform when there are several, the sort
// measure and at most four more, the most telling first. The received counts
// are in the why line.
func reportTable(rep *Report, by string, platforms bool) *Report {
	order := []string{by, "pagerank", "followers", "reported_followers", "reach2", "engagers", "posts",
		"engagement_rate", "per_1k_followers", "leaderrank", "coreness", "community"}
	keep := make([]bool, len(rep.Columns))
	picked := 0
	for _, name := range order {
		for i, c := range rep.Columns {
			if c.Name == name && !keep[i] && picked < 5 {
				keep[i] = true
				picked++
			}
		}
	}
	for i, c := range rep.Columns {
		switch c.Name {
		case "rank", "account", "name":
			keep[i] = true
		case "platform":
			keep[i] = platforms
		}
	}
	return rep.keepColumns(keep)
}

// measureValues returns the values of the measure called name, nil when it
// is not in the list or was not computed.
func measureValues(ms []Measure, all [][]float64, name string) []float64 {
	for i, m := range ms {
		if m.Name == name {
			return all[i]
		}
	}
	return nil
}

// receivedEngagement sums the received counts of every interaction kind,
// nil when there were none.
func receivedEngagement(ms []Measure, all [][]float64) []float64 {
	var sum []float64
	any := false
	for _, name := range []string{"reposts", "quotes", "replies", "mentions", "likes"} {
		v := measureValues(ms, all, name)
		if v == nil {
			continue
		}
		if sum == nil {
			sum = make([]float64, len(v))
		}
		for i, x := range v {
			if !math.IsNaN(x) {
				sum[i] += x
				any = any || x > 0
			}
		}
	}
	if !any {
		return nil
	}
	return sum
}

// histogram counts how many values equal each positive integer k.
func histogram(v []float64) []report.Point {
	counts := map[int64]int{}
	for _, x := range v {
		if x >= 1 && !math.IsNaN(x) {
			counts[int64(x)]++
		}
	}
	keys := make([]int64, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pts := make([]report.Point, len(keys))
	for i, k := range keys {
		pts[i] = report.Point{X: float64(k), Y: float64(counts[k])}
	}
	return pts
}

// agreementMatrix is the Spearman correlation of every pair of computed
// measures that are not constant.
func agreementMatrix(ms []Measure, all [][]float64) ([]string, [][]float64) {
	var names []string
	var scores []*influence.Scores
	for i, m := range ms {
		if all[i] == nil || m.Name == "community" || constant(all[i]) {
			continue
		}
		names = append(names, m.Name)
		scores = append(scores, influence.NewScores(all[i]))
	}
	mat := make([][]float64, len(names))
	for i := range names {
		mat[i] = make([]float64, len(names))
		mat[i][i] = 1
	}
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			rho, _ := scores[i].Spearman(scores[j])
			mat[i][j], mat[j][i] = rho, rho
		}
	}
	return names, mat
}

func constant(v []float64) bool {
	first := math.NaN()
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if math.IsNaN(first) {
			first = x
		} else if x != first {
			return false
		}
	}
	return true
}

// whyLines says for each row the measures it ranks highest on among all
// accounts, and the engagement it received.
func whyLines(ms []Measure, all [][]float64, nodes []uint32, n int) []string {
	type sorted struct {
		name string
		desc []float64
	}
	var ss []sorted
	for i, m := range ms {
		if all[i] == nil || m.Name == "community" || m.Name == "posts" || constant(all[i]) {
			continue
		}
		var d []float64
		for _, x := range all[i] {
			if !math.IsNaN(x) {
				d = append(d, x)
			}
		}
		slices.SortFunc(d, func(a, b float64) int { return cmp.Compare(b, a) })
		ss = append(ss, sorted{m.Name, d})
	}
	lines := make([]string, len(nodes))
	for r, v := range nodes {
		type standing struct {
			name string
			rank int
		}
		var best []standing
		for i, s := range ss {
			x := measureValues(ms, all, s.name)[v]
			if math.IsNaN(x) || x <= 0 {
				continue
			}
			// Rank = how many accounts score at least as high, so a value
			// many accounts share (a k-core) does not read as first.
			k, found := slices.BinarySearchFunc(s.desc, x, func(a, b float64) int { return cmp.Compare(b, a) })
			for found && k < len(s.desc) && s.desc[k] == x {
				k++
			}
			best = append(best, standing{ss[i].name, k})
		}
		slices.SortStableFunc(best, func(a, b standing) int { return cmp.Compare(a.rank, b.rank) })
		var parts []string
		for _, b := range best[:min(3, len(best))] {
			parts = append(parts, fmt.Sprintf("#%s by %s", groupDigits(int64(b.rank)), b.name))
		}
		line := strings.Join(parts, ", ")
		if line != "" {
			line += " of " + groupDigits(int64(n))
		}
		var recv []string
		for _, kind := range []string{"reposts", "quotes", "replies", "mentions", "likes"} {
			if vals := measureValues(ms, all, kind); vals != nil && vals[v] > 0 {
				recv = append(recv, groupDigits(int64(vals[v]))+" "+kind)
			}
		}
		if len(recv) > 0 {
			if e := measureValues(ms, all, "engagers"); e != nil && e[v] > 0 {
				line += "; received " + strings.Join(recv, ", ") + " from " + groupDigits(int64(e[v])) + " accounts"
			} else {
				line += "; received " + strings.Join(recv, ", ")
			}
		}
		lines[r] = strings.TrimPrefix(line, "; ")
	}
	return lines
}

// eventTimeline buckets the window's events so the chart has about 60
// points at a round width (minutes to weeks).
func eventTimeline(ctx context.Context, env *MeasureEnv, st *store.Stats) (*store.Timeline, error) {
	from, to := st.FirstEvent, st.LastEvent
	if !env.Sel.Since.IsZero() && env.Sel.Since.After(from) {
		from = env.Sel.Since
	}
	if !env.Sel.Until.IsZero() && env.Sel.Until.Before(to) {
		to = env.Sel.Until
	}
	span := int64(to.Sub(from).Seconds())
	bucket := int64(60)
	for _, b := range []int64{60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400} {
		bucket = b
		if span/b <= 80 {
			break
		}
	}
	return env.Store.EventTimeline(ctx, env.Sel.Layer, bucket)
}

func bucketName(b int64) string {
	switch b {
	case 60:
		return "minute"
	case 300:
		return "5 minutes"
	case 900:
		return "15 minutes"
	case 3600:
		return "hour"
	case 6 * 3600:
		return "6 hours"
	case 86400:
		return "day"
	case 7 * 86400:
		return "week"
	}
	return strconv.FormatInt(b/86400, 10) + " days"
}

// communitySizes returns the k largest communities as labels and sizes.
func communitySizes(com []float64, k int) ([]string, []float64) {
	size := map[int64]int{}
	for _, c := range com {
		if !math.IsNaN(c) {
			size[int64(c)]++
		}
	}
	ids := make([]int64, 0, len(size))
	for id := range size {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if c := cmp.Compare(size[b], size[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ids = ids[:min(k, len(ids))]
	labels := make([]string, len(ids))
	vals := make([]float64, len(ids))
	for i, id := range ids {
		labels[i] = "community " + strconv.FormatInt(id, 10)
		vals[i] = float64(size[id])
	}
	return labels, vals
}
