package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/clout-cli/clout/graph/store"
)

// costLine is one line of a --cost file.
type costLine struct {
	Line    int
	Account string
	Cost    float64
}

// parseCosts reads a --cost file: CSV lines "account,cost" (a first line
// whose cost is not a number is a header; # starts a comment line). A cost
// is a finite number > 0. Errors name name:LINE.
func parseCosts(r io.Reader, name string) ([]costLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var out []costLine
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, fmt.Errorf("%s:%d: want 2 fields, account,cost; got %d", name, line, len(rec))
		}
		account := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		text := strings.TrimSpace(rec[1])
		c, err := strconv.ParseFloat(text, 64)
		if err != nil && first {
			continue // header
		}
		if err != nil || !(c > 0) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("%s:%d: cost %q of %q is not a number > 0", name, line, text, account)
		}
		if account == "" {
			return nil, fmt.Errorf("%s:%d: empty account", name, line)
		}
		out = append(out, costLine{Line: line, Account: account, Cost: c})
	}
}

// loadCosts reads path and prices the nodes of follow; unlisted accounts
// cost NaN (never picked).
func loadCosts(ctx context.Context, s *store.Store, follow *store.Loaded, path, platform string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--cost: %w", err)
	}
	defer f.Close()
	lines, err := parseCosts(f, path)
	if err != nil {
		return nil, err
	}
	costs := make([]float64, follow.Graph.N())
	for i := range costs {
		costs[i] = math.NaN()
	}
	where := map[uint32]int{}
	for _, l := range lines {
		a, err := resolveAccount(ctx, s, l.Account, platform)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, l.Line, err)
		}
		v, ok := follow.Node(a.ID)
		if !ok {
			return nil, fmt.Errorf("%s:%d: account %s is not in the graph%s", path, l.Line, a.Label(), platformNote(platform))
		}
		if prev, dup := where[v]; dup {
			return nil, fmt.Errorf("%s:%d: account %s already priced on line %d", path, l.Line, a.Label(), prev)
		}
		where[v] = l.Line
		costs[v] = l.Cost
	}
	return costs, nil
}
