package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clout-cli/clout/graph/synth"
)

// communitiesRun is what `clout communities -v` reported.
type communitiesRun struct {
	wall       time.Duration // the whole process: load, Leiden, PageRank, output
	leiden     time.Duration // the algorithm alone, as printed on stderr
	modularity float64
}

var communitiesLine = regexp.MustCompile(`^modularity ([0-9.-]+) at resolution .*; (\d+) iterations, (\d+) levels, (\S+)$`)

// benchCommunities times `clout communities` on the follow layer.
func benchCommunities(bin, db string) (communitiesRun, error) {
	wall, rss, out, err := timed(bin, "--db", db, "communities", "--layer", "follow", "--format", "csv", "-v")
	if err != nil {
		return communitiesRun{}, fmt.Errorf("communities: %v\n%s", err, out)
	}
	r := communitiesRun{wall: wall}
	for _, l := range strings.Split(out, "\n") {
		if m := communitiesLine.FindStringSubmatch(l); m != nil {
			r.modularity, _ = strconv.ParseFloat(m[1], 64)
			r.leiden, _ = time.ParseDuration(m[4])
			fmt.Printf("clout communities --layer follow:  %6.2f s wall, peak RSS %4.0f MB\n  %s\n", wall.Seconds(), rss, l)
		}
	}
	if r.leiden == 0 {
		return r, fmt.Errorf("communities: no modularity line on stderr:\n%s", out)
	}
	return r, nil
}

// igraphScript builds the same graph igraph-side from a binary edge file
// (uint32 pairs, little-endian): repeated edges merged and self-loops dropped
// as clout does, made undirected with w{u,v} = w(u→v) + w(v→u) for
// community_multilevel; coreness on the directed graph with mode "all"
// (in + out degree, as influence.Coreness defines it).
const igraphScript = `
import array, json, sys, time
import igraph as ig
path, n = sys.argv[1], int(sys.argv[2])
a = array.array("I")
with open(path, "rb") as f:
    a.frombytes(f.read())
t = time.time()
g = ig.Graph(n=n, edges=list(zip(a[0::2], a[1::2])), directed=True)
del a
g.simplify(multiple=True, loops=True)
g.es["weight"] = 1.0
u = g.as_undirected(mode="collapse", combine_edges="sum")
build = time.time() - t
t = time.time()
c = u.community_multilevel(weights="weight")
ml = time.time() - t
q = u.modularity(c.membership, weights="weight")
t = time.time()
g.coreness(mode="all")
core = time.time() - t
print(json.dumps({"version": ig.__version__, "build": build, "multilevel": ml, "modularity": q,
                  "communities": len(c), "coreness": core, "edges": u.ecount()}))
`

// ensureIgraph installs Debian's python3-igraph when /usr/bin/python3
// cannot import igraph.
func ensureIgraph() error {
	if exec.Command("/usr/bin/python3", "-c", "import igraph").Run() == nil {
		return nil
	}
	fmt.Println("installing python3-igraph (apt-get) ...")
	for _, args := range [][]string{{"update"}, {"install", "-y", "python3-igraph"}} {
		if out, err := exec.Command("apt-get", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return exec.Command("/usr/bin/python3", "-c", "import igraph").Run()
}

// benchIgraph times igraph on the graph o and prints the comparison with
// clout's figures.
func benchIgraph(dir string, nodes int, o synth.Options, comm communitiesRun) error {
	if err := ensureIgraph(); err != nil {
		return fmt.Errorf("igraph is needed for the comparison (or pass -igraph=false): %w", err)
	}
	bin := filepath.Join(dir, "synth.u32")
	if err := writeBinary(bin, o); err != nil {
		return err
	}
	script := filepath.Join(dir, "igraph_bench.py")
	if err := os.WriteFile(script, []byte(igraphScript), 0o644); err != nil {
		return err
	}
	out, err := exec.Command("/usr/bin/python3", script, bin, strconv.Itoa(nodes)).Output()
	if err != nil {
		return fmt.Errorf("igraph: %v", err)
	}
	var r struct {
		Version                       string
		Build, Multilevel, Modularity float64
		Communities, Edges            int
		Coreness                      float64
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return fmt.Errorf("igraph output %q: %v", out, err)
	}
	fmt.Printf("igraph %s (python3-igraph), same graph undirected: %d edges, built in %.1f s\n", r.Version, r.Edges, r.Build)
	fmt.Printf("igraph community_multilevel:   %6.2f s, modularity %.6f, %d communities\n", r.Multilevel, r.Modularity, r.Communities)
	fmt.Printf("clout Leiden (communities):    %6.2f s, modularity %.6f (%+.4f against igraph)\n", comm.leiden.Seconds(), comm.modularity, comm.modularity-r.Modularity)
	fmt.Printf("  ratio igraph multilevel / clout Leiden: %.2fx\n", r.Multilevel/comm.leiden.Seconds())
	fmt.Printf("igraph coreness (mode all):    %6.2f s\n", r.Coreness)
	// HOOK for the coreness worker: influence.Coreness lives on another
	// branch; once merged, time `clout rank --by coreness` (or take
	// BenchmarkCoreness in influence/) here and print the ratio like above.
	fmt.Println("  clout coreness: see `go test ./influence -bench Coreness -benchtime 3x` (BenchmarkCoreness); ratio = igraph / that")
	return nil
}

// writeBinary writes the edges of o as little-endian uint32 pairs.
func writeBinary(path string, o synth.Options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var b [8]byte
	err = synth.Generate(context.Background(), o, func(s, d uint32) error {
		binary.LittleEndian.PutUint32(b[:4], s)
		binary.LittleEndian.PutUint32(b[4:], d)
		_, err := w.Write(b[:])
		return err
	})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
