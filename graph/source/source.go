// Package source holds what every importer and crawler shares: the options an
// import runs with and the error that names a bad line of input.
package source

import (
	"fmt"

	"github.com/clout-cli/clout/graph"
)

// LineError is a malformed line of input: "FILE:LINE: what was wrong".
type LineError struct {
	File string
	Line int64
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Options configures one import.
type Options struct {
	// Name names the input in messages (a path, or "stdin").
	Name string
	// Kind is the kind of edges in inputs that do not say (two-column files,
	// CSV without a kind column).
	Kind graph.Kind
	// Platform is the platform of accounts in inputs that do not say; importers
	// that know their platform (twarc → "twitter") ignore it.
	Platform string
	// SkipBad makes a malformed line be counted in Bad and skipped instead of
	// stopping the import.
	SkipBad bool
	// Bad collects skipped lines; nil is allowed when SkipBad is false.
	Bad *BadLines
	// KeepText sends each post's text to the sink (graph.Post.Text); without
	// it only the text's length is. Analysts may not be allowed to keep it.
	KeepText bool
}

// MaxReported is how many skipped line numbers BadLines keeps.
const MaxReported = 5

// BadLines counts skipped malformed lines and keeps the first few.
type BadLines struct {
	Count int64
	First []*LineError
}

// Add records one skipped line.
func (b *BadLines) Add(e *LineError) {
	b.Count++
	if len(b.First) < MaxReported {
		b.First = append(b.First, e)
	}
}

// Handle decides what a malformed line does under o: with SkipBad it is
// recorded and nil returned (skip and go on); otherwise the error is returned.
func (o *Options) Handle(e *LineError) error {
	if !o.SkipBad {
		return e
	}
	if o.Bad != nil {
		o.Bad.Add(e)
	}
	return nil
}

// LineErr returns a LineError for line of this input.
func (o *Options) LineErr(line int64, format string, args ...any) *LineError {
	return &LineError{File: o.Name, Line: line, Msg: fmt.Sprintf(format, args...)}
}
