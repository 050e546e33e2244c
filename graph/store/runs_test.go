package store

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
)

func TestRunsSaveFindReplaceDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []graph.Edge{{Platform: "local", Src: "a", Dst: "b", Kind: graph.Follow}, {Platform: "local", Src: "b", Dst: "c", Kind: graph.Reply, At: time.Unix(1700000000, 0)}} {
		if err := tx.Edge(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	dv, err := s.DataVersion(ctx)
	if err != nil || dv != "accounts=3 follows=1 events=1 posts=0 last_event=2023-11-14T22:13:20Z" {
		t.Fatalf("DataVersion = %q, %v", dv, err)
	}
	run := Run{Name: "w1", CreatedAt: time.Unix(1700000100, 0), Version: "test", DataVersion: dv, Params: `{"by":"pagerank"}`, Measures: []string{"pagerank", "reported_followers"}}
	rows := []RunRow{{Account: 2, Rank: 1, Values: []float64{0.5, math.NaN()}}, {Account: 1, Rank: 2, Values: []float64{0.25, 10}}}
	id, replaced, err := s.SaveRun(ctx, run, rows)
	if err != nil || replaced {
		t.Fatalf("SaveRun: %v %v", replaced, err)
	}
	got, err := s.FindRun(ctx, "w1")
	if err != nil || got.ID != id || got.Accounts != 2 || len(got.Measures) != 2 || !got.CreatedAt.Equal(run.CreatedAt) {
		t.Fatalf("FindRun = %+v, %v", got, err)
	}
	if byID, err := s.FindRun(ctx, "1"); err != nil || byID.Name != "w1" {
		t.Errorf("FindRun by id: %+v %v", byID, err)
	}
	back, err := s.RunRows(ctx, got)
	if err != nil || len(back) != 2 || back[0].Account != 2 || back[0].Values[0] != 0.5 || !math.IsNaN(back[0].Values[1]) || back[1].Values[1] != 10 {
		t.Fatalf("RunRows = %+v, %v", back, err)
	}
	if _, replaced, err = s.SaveRun(ctx, run, rows[:1]); err != nil || !replaced {
		t.Fatalf("second SaveRun: replaced=%v %v", replaced, err)
	}
	runs, _ := s.Runs(ctx)
	if len(runs) != 1 || runs[0].Accounts != 1 {
		t.Fatalf("after replacing: %+v", runs)
	}
	var orphans int
	s.DB().QueryRow("SELECT count(*) FROM scores WHERE run NOT IN (SELECT id FROM runs)").Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d scores of the replaced run are left", orphans)
	}
	if err := s.DeleteRun(ctx, "w1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindRun(ctx, "w1"); !errors.Is(err, ErrNoRun) {
		t.Errorf("FindRun after delete: %v", err)
	}
}
