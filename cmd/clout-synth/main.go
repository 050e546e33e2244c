// Command clout-synth writes a synthetic power-law follow graph as CSV, for
// benchmarking clout at scale:
//
//	clout-synth -nodes 1000000 -edges 10000000 -seed 1 > synth.csv
//
// The output has a header row "source,target" and one edge per line, with
// accounts labelled u<id>; a row u3,u7 means u3 follows u7. The graph is the
// directed Chung–Lu model of package graph/synth: the same flags always give
// the same bytes. There are no self-loops; repeated pairs may occur and are
// merged by clout's importers.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"

	"github.com/clout-cli/clout/graph/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "clout-synth:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("clout-synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o synth.Options
	fs.IntVar(&o.Nodes, "nodes", 1000, "number of accounts, labelled u0..u<nodes-1>")
	fs.IntVar(&o.Edges, "edges", 10000, "number of follow edges to write")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed; the same flags give the same output")
	fs.Float64Var(&o.GammaIn, "gamma-in", 2.1, "exponent of the in-degree (followers) power-law tail, > 1")
	fs.Float64Var(&o.GammaOut, "gamma-out", 2.5, "exponent of the out-degree (following) power-law tail, > 1")
	events := fs.Int("events", 0, "write this many interaction events with posts instead of follow edges (see events.go)")
	var eo eventOptions
	fs.StringVar(&eo.Tag, "tag", "topic", "with -events: the tag carried by -tag-share of the events")
	fs.Float64Var(&eo.TagShare, "tag-share", 0.1, "with -events: share of the events whose post carries -tag")
	fs.IntVar(&eo.Days, "days", 30, "with -events: days the event times spread over")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: clout-synth [flags] > graph.csv

Writes a synthetic directed follow graph with power-law degree distributions
(directed Chung–Lu model) as CSV "source,target" to stdout; u3,u7 means u3
follows u7. Self-loops are never written; repeated pairs may be.

With -events N it writes N interaction events with posts instead, as CSV
"source,target,kind,time,post_id,parent_id,hashtags" for clout import csv:
  clout-synth -nodes 835000 -events 5000000 -seed 1 > events.csv

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clout-synth: unexpected argument %q (output goes to stdout)\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	if err := o.Validate(); err != nil {
		fmt.Fprintf(stderr, "clout-synth: %v\n", err)
		return errUsage
	}
	if *events > 0 {
		if eo.TagShare < 0 || eo.TagShare > 0.7 {
			fmt.Fprintf(stderr, "clout-synth: -tag-share %g out of range [0, 0.7] (likes carry no tags)\n", eo.TagShare)
			return errUsage
		}
		o.Edges = *events
		return writeEvents(ctx, o, eo, stdout)
	}
	return write(ctx, o, stdout)
}

func write(ctx context.Context, o synth.Options, stdout io.Writer) error {
	w := bufio.NewWriterSize(stdout, 1<<20)
	w.WriteString("source,target\n")
	var line []byte
	err := synth.Generate(ctx, o, func(u, v uint32) error {
		line = append(line[:0], 'u')
		line = strconv.AppendUint(line, uint64(u), 10)
		line = append(line, ',', 'u')
		line = strconv.AppendUint(line, uint64(v), 10)
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
