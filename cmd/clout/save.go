package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/store"
)

// rankParams are the parameters a saved run records, as JSON in runs.params.
type rankParams struct {
	Layer    string             `json:"layer"`
	Weights  map[string]float64 `json:"weights"`
	Since    string             `json:"since,omitempty"`
	Until    string             `json:"until,omitempty"`
	Platform string             `json:"platform,omitempty"`
	Topics   []string           `json:"topics,omitempty"`
	Seeds    []string           `json:"seeds,omitempty"`
	By       string             `json:"by"`
	Top      int                `json:"top"`
	MinPosts int                `json:"min_posts,omitempty"`
	Damping  float64            `json:"damping"`
	Tol      float64            `json:"tol"`
	MaxIter  int                `json:"max_iter"`
}

func timeParam(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// rankingRows are the printed rows of a ranking as a run keeps them: the
// names of the measures computed, and per account its rank and their values
// (infinities kept as empty).
func rankingRows(ms []Measure, on []bool, infos []store.AccountInfo, cols [][]float64) ([]string, []store.RunRow) {
	var names []string
	var idx []int
	for i, m := range ms {
		if on[i] {
			names = append(names, m.Name)
			idx = append(idx, i)
		}
	}
	rows := make([]store.RunRow, len(infos))
	for r, a := range infos {
		vals := make([]float64, len(idx))
		for j, i := range idx {
			vals[j] = cols[i][r]
			if math.IsInf(vals[j], 0) {
				vals[j] = math.NaN()
			}
		}
		rows[r] = store.RunRow{Account: a.ID, Rank: r + 1, Values: vals}
	}
	return names, rows
}

// saveRanking stores the rows rank printed (every measure computed) as the
// run called name.
func saveRanking(ctx context.Context, env *MeasureEnv, name string, p rankParams, ms []Measure, on []bool, infos []store.AccountInfo, cols [][]float64, now time.Time) error {
	p.Layer = env.Sel.LayerName
	p.Weights = map[string]float64{}
	for _, k := range graph.Kinds() {
		if w := env.Sel.Layer.Weights[k]; w > 0 {
			p.Weights[k.String()] = w
		}
	}
	p.Since, p.Until, p.Platform = timeParam(env.Sel.Since), timeParam(env.Sel.Until), env.Sel.Platform
	p.Damping, p.Tol, p.MaxIter = env.Sel.Damping, env.Sel.Tol, env.Sel.MaxIter
	params, err := json.Marshal(p)
	if err != nil {
		return err
	}
	dv, err := env.Store.DataVersion(ctx)
	if err != nil {
		return err
	}
	run := store.Run{Name: name, CreatedAt: now, Version: versionString(), DataVersion: dv, Params: string(params)}
	var rows []store.RunRow
	run.Measures, rows = rankingRows(ms, on, infos, cols)
	id, replaced, err := env.Store.SaveRun(ctx, run, rows)
	if err != nil {
		return err
	}
	verb := "saved"
	if replaced {
		verb = "replaced"
	}
	fmt.Fprintf(env.ErrOut, "%s run %s (id %d): %d accounts, %d measures; compare runs with clout diff\n", verb, name, id, len(rows), len(run.Measures))
	return nil
}
