package influence_test

import (
	"context"
	"github.com/clout-cli/clout/influence"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(0, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
func TestDbgBig(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DBGN"))
	g := synthGraph(t, n, 10*n, false)
	its := []int{1}
	if os.Getenv("DBGIT") != "" {
		x, _ := strconv.Atoi(os.Getenv("DBGIT"))
		its = []int{x}
	}
	for _, it := range its {
		t0 := time.Now()
		c0 := cpu()
		r, _ := influence.Leiden(context.Background(), g, influence.LeidenOptions{Seed: 1, MaxIterations: it})
		t.Log(it, r.Modularity, len(r.Sizes), r.Levels, r.Iterations, "wall", time.Since(t0), "cpu", cpu()-c0)
	}
}
