package snap

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

const (
	// bufSize bounds a line; SNAP lines are a few dozen bytes, so a longer
	// one is garbage (or a binary file) and is reported, not buffered.
	bufSize = 1 << 20
	// ctxEvery is how many lines pass between context checks.
	ctxEvery = 4096
	// maxShown bounds how much of a bad value an error message quotes.
	maxShown = 64
)

// Import reads one input and sends accounts and edges to sink.
//
// It emits edges only; the accounts they name are created by the store.
// Every edge gets o.Platform, or "local" when that is empty.
func Import(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) error {
	if o.Name == "" {
		o.Name = "input"
	}
	platform := o.Platform
	if platform == "" {
		platform = "local"
	}
	br := bufio.NewReaderSize(r, bufSize)
	var (
		f                [maxFields][]byte
		line, data       int64
		prevSrc, prevDst string
	)
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			line++
			data++
			if err := skipRest(br); err != nil {
				return fmt.Errorf("%s:%d: read: %w", o.Name, line, err)
			}
			if err := o.Handle(o.LineErr(line, "line longer than %d bytes; want 2 to 4 whitespace-separated columns (src dst [weight|time kind])", bufSize)); err != nil {
				return err
			}
			continue
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s:%d: read: %w", o.Name, line+1, err)
		}
		if len(b) == 0 {
			break // EOF right after a newline
		}
		line++
		if line%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s:%d: %w", o.Name, line, err)
			}
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		n := splitFields(b, &f)
		if n == 0 || f[0][0] == '#' || f[0][0] == '%' {
			if err == io.EOF {
				break
			}
			continue
		}
		data++
		if n == maxFields {
			n = countFields(b)
		}
		e, msg := parseLine(&f, n)
		if msg != "" {
			if err := o.Handle(o.LineErr(line, "%s", msg)); err != nil {
				return err
			}
		} else {
			// Edge lists are usually sorted by source, so consecutive lines
			// share it; reusing the string saves an allocation per line.
			if string(f[0]) != prevSrc {
				prevSrc = string(f[0])
			}
			if string(f[1]) != prevDst {
				prevDst = string(f[1])
			}
			e.Platform, e.Src, e.Dst = platform, prevSrc, prevDst
			if e.Kind == kindFromOptions {
				e.Kind = o.Kind
			}
			if err := sink.Edge(e); err != nil {
				return fmt.Errorf("%s:%d: %w", o.Name, line, err)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if data == 0 {
		return fmt.Errorf("%s: %w", o.Name, ErrEmpty)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", o.Name, err)
	}
	return nil
}

// kindFromOptions marks an edge whose kind the line does not say.
const kindFromOptions graph.Kind = 255

// parseLine reads the n fields of a data line into an edge without its
// platform and keys. A non-empty msg says what is wrong with the line.
func parseLine(f *[maxFields][]byte, n int) (e graph.Edge, msg string) {
	switch n {
	case 2:
		e.Kind = kindFromOptions
	case 3:
		c, ok := parseCount(f[2])
		if !ok {
			return e, fmt.Sprintf("column 3 (weight): want a positive whole number of events, got %s", show(f[2]))
		}
		e.Kind, e.Count = kindFromOptions, c
	case 4:
		if len(f[3]) > 0 && f[3][0] >= '0' && f[3][0] <= '9' {
			// KONECT's "src dst weight time" rather than Higgs' "src dst time code".
			c, ok := parseCount(f[2])
			if !ok {
				return e, fmt.Sprintf("column 3 (weight, as in KONECT \"src dst weight time\"): want a positive whole number of events, got %s", show(f[2]))
			}
			t, ok := parseUnix(f[3])
			if !ok {
				return e, fmt.Sprintf("column 4 (time, as in KONECT \"src dst weight time\"): want Unix seconds, got %s", show(f[3]))
			}
			e.Kind, e.Count, e.At = kindFromOptions, c, time.Unix(t, 0).UTC()
			break
		}
		t, ok := parseUnix(f[2])
		if !ok {
			return e, fmt.Sprintf("column 3 (time): want Unix seconds, got %s", show(f[2]))
		}
		k, ok := interaction(f[3])
		if !ok {
			return e, fmt.Sprintf("column 4 (interaction): want RT (retweet), MT (mention) or RE (reply), got %s", show(f[3]))
		}
		e.Kind, e.At = k, time.Unix(t, 0).UTC()
	default:
		return e, fmt.Sprintf("want 2 to 4 whitespace-separated columns (src dst [weight|time kind]), got %d", n)
	}
	return e, ""
}

// interaction maps a Higgs activity code to its kind, case-insensitively.
func interaction(b []byte) (graph.Kind, bool) {
	if len(b) != 2 {
		return 0, false
	}
	switch string([]byte{b[0] | 0x20, b[1] | 0x20}) {
	case "rt":
		return graph.Repost, true
	case "mt":
		return graph.Mention, true
	case "re":
		return graph.Reply, true
	}
	return 0, false
}

// skipRest discards input up to and including the next newline.
func skipRest(br *bufio.Reader) error {
	for {
		_, err := br.ReadSlice('\n')
		switch {
		case err == nil, err == io.EOF:
			return nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return err
		}
	}
}

// show quotes a bad value for a message, cut short if long.
func show(b []byte) string {
	if len(b) > maxShown {
		return fmt.Sprintf("%q…", b[:maxShown])
	}
	return fmt.Sprintf("%q", b)
}
