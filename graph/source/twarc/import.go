package twarc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

// Platform is the platform of every account and edge this package emits.
const Platform = "twitter"

// ErrEmpty is returned (wrapped with the input's name) when an input has no
// lines at all, or only blank ones.
var ErrEmpty = errors.New("empty input: no twarc lines")

// shapeMsg is the message for a line that is JSON but no twarc shape.
const shapeMsg = "not a twarc line: want a v1.1 tweet (id_str, user), a twarc2 page (data, includes), " +
	"a flattened tweet (id, text) or a stream line (data, matching_rules)"

// Import reads twarc/twarc2 JSON Lines from r and sends accounts and edges to sink.
//
// Each line's shape is detected on its own (see the package documentation).
// A line that is not JSON, or JSON of no twarc shape, is a *source.LineError
// handled by o.Handle. o.Platform and o.Kind are ignored: accounts and edges
// are on "twitter" and every edge's kind comes from the data.
func Import(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) error {
	if o.Name == "" {
		o.Name = "input"
	}
	im := newImporter(sink)
	lr := newLineReader(r)
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

// decode decodes one line. "data" is tried as an array first, because pages
// are the large lines; only lines whose data is an object (stream lines,
// single lookups: small) are decoded a second time. msg says what is wrong
// with a line that cannot be used.
func decode(b []byte) (env *envelope, data []obj, hasData bool, msg string) {
	var pl pageLine
	err := json.Unmarshal(b, &pl)
	if err == nil {
		return &pl.envelope, pl.Data, pl.Data != nil, ""
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "data" {
		var ol objectLine
		err = json.Unmarshal(b, &ol)
		if err == nil {
			if ol.Data == nil {
				return &ol.envelope, nil, false, ""
			}
			return &ol.envelope, []obj{*ol.Data}, true, ""
		}
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, nil, false, fmt.Sprintf("not a twarc line: invalid JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te) && te.Field == "":
		return nil, nil, false, fmt.Sprintf("%s; got a JSON %s", shapeMsg, te.Value)
	case errors.As(err, &te):
		return nil, nil, false, fmt.Sprintf("bad twarc line: field %q is a JSON %s", te.Field, te.Value)
	}
	return nil, nil, false, fmt.Sprintf("not a twarc line: %v", err)
}
