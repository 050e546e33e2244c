package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two databases holding the same accounts, follows and events print the same
// bytes however the data arrived: here one imports the files as they are,
// the other their lines shuffled and split into pieces imported in reverse
// order, with twarc lines that observe the same users at different times.
func TestOutputDoesNotDependOnTheOrderDataArrived(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 8))
	lines := func(path string) (header string, body []string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		return all[0], all[1:]
	}
	write := func(name, header string, body []string) string {
		p := filepath.Join(dir, name)
		text := strings.Join(body, "\n") + "\n"
		if header != "" {
			text = header + "\n" + text
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Interaction events with weights that do not add up exactly in
	// floating point (0.3, 0.7), times, and repeats.
	var events []string
	for range 3000 {
		events = append(events, fmt.Sprintf("u%d,u%d,%s,%d", rng.IntN(300), rng.IntN(300),
			[]string{"repost", "quote", "reply", "mention", "like"}[rng.IntN(5)], 1700000000+rng.IntN(86400*10)))
	}
	evPath := write("events.csv", "source,target,kind,time", events)
	nodeHeader, nodes := lines(repoFile("testdata", "polblogs", "polblogs-leaning.csv"))
	edgeHeader, edges := lines(repoFile("testdata", "polblogs", "polblogs.csv"))
	var tw []string
	for _, f := range []string{"v1.jsonl", "page.jsonl", "flattened.jsonl", "stream.jsonl", "followers.jsonl", "following.jsonl"} {
		b, _ := os.ReadFile(repoFile("testdata", "twarc", f))
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if strings.TrimSpace(l) != "" {
				tw = append(tw, l)
			}
		}
	}
	twPath := write("all.jsonl", "", tw)

	ordered := filepath.Join(dir, "ordered.db")
	for _, args := range [][]string{
		{"import", "csv", repoFile("testdata", "polblogs", "polblogs-leaning.csv"), repoFile("testdata", "polblogs", "polblogs.csv")},
		{"import", "csv", evPath},
		{"import", "twarc", twPath},
	} {
		if _, errOut, code := cli(t, "", append([]string{"--db", ordered}, args...)...); code != 0 {
			t.Fatal(errOut)
		}
	}
	shuffled := filepath.Join(dir, "shuffled.db")
	pieces := func(name, header string, body []string, n int) []string {
		body = append([]string(nil), body...)
		rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
		var out []string
		for k := range n {
			part := body[k*len(body)/n : (k+1)*len(body)/n]
			out = append(out, write(fmt.Sprintf("%s-%d", name, k), header, part))
		}
		return out
	}
	var imports [][]string
	for _, p := range pieces("tw.jsonl", "", tw, 3) {
		imports = append(imports, []string{"import", "twarc", p})
	}
	for _, p := range pieces("ev.csv", "source,target,kind,time", events, 4) {
		imports = append(imports, []string{"import", "csv", p})
	}
	for _, p := range pieces("edges.csv", edgeHeader, edges, 3) {
		imports = append(imports, []string{"import", "csv", p})
	}
	for _, p := range pieces("nodes.csv", nodeHeader, nodes, 2) {
		imports = append(imports, []string{"import", "csv", p})
	}
	for i := len(imports) - 1; i >= 0; i-- {
		if _, errOut, code := cli(t, "", append([]string{"--db", shuffled}, imports[i]...)...); code != 0 {
			t.Fatal(errOut)
		}
	}

	if d := os.Getenv("CLOUT_KEEP_DBS"); d != "" {
		copyFile(t, ordered, filepath.Join(d, "ordered.db"))
		copyFile(t, shuffled, filepath.Join(d, "shuffled.db"))
	}
	for _, args := range [][]string{
		{"rank", "--top", "0", "--format", "csv", "--layer", "all", "--weights", "reply=0.3,mention=0.7", "--measures", "all"},
		{"rank", "--top", "0", "--format", "json", "--layer", "follow"},
		{"rank", "--top", "50", "--format", "csv", "--layer", "engagement", "--platform", "local", "--weights", "reply=0.3,like=0.1"},
		{"export", "gexf", "-o", "-", "--layer", "all", "--weights", "reply=0.3"},
		{"export", "graphml", "-o", "-", "--layer", "engagement"},
		{"report", "-o", "-", "--layer", "all", "--weights", "mention=0.7"},
	} {
		a, errA, codeA := cli(t, "", append([]string{"--db", ordered}, args...)...)
		b, errB, codeB := cli(t, "", append([]string{"--db", shuffled}, args...)...)
		if codeA != 0 || codeB != 0 {
			t.Fatalf("%v: exit %d/%d: %s %s", args, codeA, codeB, errA, errB)
		}
		if a != b {
			al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
			for i := range min(len(al), len(bl)) {
				if al[i] != bl[i] {
					t.Errorf("%v: output differs at line %d:\n in order: %.300s\n shuffled: %.300s", args, i+1, al[i], bl[i])
					break
				}
			}
			if len(al) != len(bl) {
				t.Errorf("%v: %d lines in order, %d shuffled", args, len(al), len(bl))
			}
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(to, b, 0o644)
}
