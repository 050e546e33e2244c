package twarc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

// platform is the platform of every account and edge this package emits.
const platform = "twitter"

// ErrEmpty is returned (wrapped with the input's name) when an input has no
// lines at all, or only blank ones.
var ErrEmpty = errors.New("empty input: no twarc lines")

// Import reads twarc/twarc2 JSON Lines from r and sends accounts and edges to sink.
//
// Each line's shape is detected on its own (see the package documentation).
// A line that is not JSON, or JSON of no twarc shape, is a *source.LineError
// handled by o.Handle. o.Platform and o.Kind are ignored: accounts and edges
// are on "twitter" and every edge's kind comes from the data.
func Import(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) error {
	_, err := run(ctx, r, o, sink)
	return err
}

// run is Import, also returning what was skipped without error.
func run(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) (stats, error) {
	if o.Name == "" {
		o.Name = "input"
	}
	im := newImporter(sink)
	im.keepText = o.KeepText
	err := im.run(ctx, newLineReader(r), &o)
	return im.stats, err
}

// run reads every line of lr.
func (im *importer) run(ctx context.Context, lr *lineReader, o *source.Options) error {
	var line, nonBlank int64
	for {
		b, rerr := lr.next()
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("%s:%d: read: %w", o.Name, line+1, rerr)
		}
		if rerr == io.EOF && len(b) == 0 {
			break
		}
		line++
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", o.Name, line, err)
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(b)) > 0 {
			nonBlank++
			msg, err := im.line(b)
			if err != nil {
				return fmt.Errorf("%s:%d: %w", o.Name, line, err)
			}
			if msg != "" {
				if err := o.Handle(o.LineErr(line, "%s", msg)); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if nonBlank == 0 {
		return fmt.Errorf("%s: %w", o.Name, ErrEmpty)
	}
	return nil
}
