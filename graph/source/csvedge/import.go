package csvedge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

const (
	// bufSize is the read buffer; also the most of the input looked at to
	// find the delimiter on the first two lines.
	bufSize = 1 << 18
	// ctxEvery is how many records pass between context checks.
	ctxEvery = 4096
)

// bom is the UTF-8 byte order mark Excel writes at the start of "CSV UTF-8".
var bom = []byte("\ufeff")

// Import reads one input and sends accounts and edges to sink.
//
// Edges and accounts get o.Platform unless a platform column says otherwise;
// when o.Platform is "" they get "local" ("twitter" for NodeXL files).
// Malformed rows go through o.Handle; a missing or unrecognisable header is
// always an error. An input with no header or no data rows returns an error
// wrapping ErrEmpty. If sink implements RuleCounter it is told how many rows
// a design rule dropped.
func Import(ctx context.Context, r io.Reader, o source.Options, sink graph.Sink) error {
	if o.Name == "" {
		o.Name = "input"
	}
	br := bufio.NewReaderSize(r, bufSize)
	head, err := peekLines(br, 2)
	if err != nil {
		return fmt.Errorf("%s: read: %w", o.Name, err)
	}
	if bytes.HasPrefix(head, bom) {
		// Drop it before encoding/csv sees it: `<BOM>"source",…` would
		// otherwise be a bare quote inside an unquoted field.
		if _, err := br.Discard(len(bom)); err != nil {
			return fmt.Errorf("%s: read: %w", o.Name, err)
		}
		head = head[len(bom):]
	}
	delims := [2]rune{detectDelim(nthLine(head, 0)), detectDelim(nthLine(head, 1))}

	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked per row, for a better message
	cr.ReuseRecord = true
	cols, err := readHeader(cr, delims, &o)
	if err != nil {
		return err
	}
	im := newImporter(&o, sink, cols, cr.Comma)

	var (
		rows int64
		pe   *csv.ParseError // outside the loop: errors.As(&pe) moves it to the heap
	)
	for n := 1; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("%s: %w", o.Name, err)
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil && errors.As(err, &pe) {
			rows++
			if err := o.Handle(o.LineErr(int64(pe.StartLine), "%v at line %d, column %d (want RFC 4180 CSV: a field holding quotes, delimiters or line breaks is quoted, and quotes inside it doubled)", pe.Err, pe.Line, pe.Column)); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: read: %w", o.Name, err)
		}
		if allEmpty(rec) {
			continue
		}
		rows++
		line, _ := cr.FieldPos(0)
		var msg string
		if cols.nodes != nil {
			msg, err = im.nodeRow(rec)
		} else {
			msg, err = im.row(rec)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", o.Name, line, err)
		}
		if msg != "" {
			if err := o.Handle(o.LineErr(int64(line), "%s", msg)); err != nil {
				return err
			}
		}
	}
	if rc, ok := sink.(RuleCounter); ok && im.ignored > 0 {
		rc.IgnoredByRule(RuleRepostMentions, im.ignored)
	}
	if rows == 0 {
		return fmt.Errorf("%s: %w: a header but no data rows", o.Name, ErrEmpty)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", o.Name, err)
	}
	return nil
}

// peekLines returns the buffered start of the input, holding at least n line
// breaks unless the input or the buffer ends first. It reads no further than
// it must, so a slow pipe is not waited on for a whole buffer.
func peekLines(br *bufio.Reader, n int) ([]byte, error) {
	for size := 4096; ; size *= 4 {
		size = min(size, br.Size())
		head, err := br.Peek(size)
		switch {
		case err == io.EOF, errors.Is(err, bufio.ErrBufferFull):
			return head, nil
		case err != nil:
			return nil, err
		case bytes.Count(head, []byte{'\n'}) >= n || size == br.Size():
			return head, nil
		}
	}
}

// readHeader reads the header record: the first one, or the second when the
// first has no source and target columns (NodeXL's column-group row).
// delims are the delimiters detected on the first two lines.
func readHeader(cr *csv.Reader, delims [2]rune, o *source.Options) (columns, error) {
	var first []string
	firstLine, firstBad := 1, false
	for i, d := range delims {
		cr.Comma = d
		rec, err := cr.Read()
		if err == io.EOF {
			if i == 0 {
				return columns{}, fmt.Errorf("%s: %w: no header row", o.Name, ErrEmpty)
			}
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if i == 0 {
				firstLine, firstBad = pe.StartLine, true
			}
			continue
		}
		if err != nil {
			return columns{}, fmt.Errorf("%s: read: %w", o.Name, err)
		}
		if cols, ok := parseHeader(rec); ok {
			return cols, nil
		}
		if i == 0 {
			first = append(first, rec...)
			firstLine, _ = cr.FieldPos(0)
			// A node table is recognised on the first line only: NodeXL's
			// group row above an edge header would otherwise pass for one.
			if nodes, ok := parseNodeHeader(rec); ok && !strings.Contains(strings.ToLower(strings.Join(rec, ",")), "vertex 1") {
				cols, _ := parseHeader(rec)
				cols.nodes = &nodes
				return cols, nil
			}
		}
	}
	got := showHeader(first, delims[0])
	if firstBad {
		got = "a line that is not valid CSV"
	}
	return columns{}, o.LineErr(int64(firstLine),
		`header has no source/target columns (want "source,target" or Gephi "Source,Target" or NodeXL "Vertex 1,Vertex 2" for edges, or "account" or Gephi "Id" for a node table), got: %s`, got)
}

// allEmpty reports whether every cell of rec is blank, as in the padding rows
// spreadsheets write below a table.
func allEmpty(rec []string) bool {
	for _, c := range rec {
		for i := 0; i < len(c); i++ {
			if c[i] != ' ' && c[i] != '\t' {
				return false
			}
		}
	}
	return true
}
