package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format for tabular data.
type Format string

// The output formats.
const (
	FormatTable Format = "table"
	FormatCSV   Format = "csv"
	FormatTSV   Format = "tsv"
	FormatJSON  Format = "json"
)

var formatNames = []string{"table", "csv", "tsv", "json"}

// resolveFormat picks the output format: the flag if given, else a table for
// a terminal and CSV for a pipe.
func resolveFormat(flag string, io *IOStreams) (Format, error) {
	switch strings.ToLower(flag) {
	case "":
		if io.OutTTY {
			return FormatTable, nil
		}
		return FormatCSV, nil
	case "table":
		return FormatTable, nil
	case "csv":
		return FormatCSV, nil
	case "tsv":
		return FormatTSV, nil
	case "json":
		return FormatJSON, nil
	}
	return "", usageErrorf("unknown --format %q: want table, csv, tsv or json", flag)
}

// Column describes one column of a report.
type Column struct {
	Name string
	// Number right-aligns the column in tables.
	Number bool
}

// Cell values a report holds: string, int64, float64, or nil (unknown:
// empty in CSV/TSV/table, null in JSON).
type Cell = any

// Report is a table of typed cells, rendered in any Format.
type Report struct {
	Columns []Column
	Rows    [][]Cell
	// FloatDigits is how many significant digits tables show of floats
	// (CSV, TSV and JSON carry every digit).
	FloatDigits int
}

// Render writes r to w in format f.
func (r *Report) Render(w io.Writer, f Format) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var err error
	switch f {
	case FormatCSV, FormatTSV:
		err = r.renderDelimited(bw, f)
	case FormatJSON:
		err = r.renderJSON(bw)
	default:
		err = r.renderTable(bw)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func (r *Report) names() []string {
	out := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		out[i] = c.Name
	}
	return out
}

// text formats a cell for CSV and TSV: every digit, no exponent noise for
// ordinary magnitudes.
func text(c Cell) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(c)
}

func (r *Report) renderDelimited(w io.Writer, f Format) error {
	if f == FormatTSV {
		// TSV as spreadsheets read it: no quoting, so tabs and newlines
		// inside a value become spaces.
		clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
		write := func(cells []string) error {
			for i, c := range cells {
				cells[i] = clean.Replace(c)
			}
			_, err := io.WriteString(w, strings.Join(cells, "\t")+"\n")
			return err
		}
		if err := write(r.names()); err != nil {
			return err
		}
		for _, row := range r.Rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = text(c)
			}
			if err := write(cells); err != nil {
				return err
			}
		}
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(r.names()); err != nil {
		return err
	}
	cells := make([]string, len(r.Columns))
	for _, row := range r.Rows {
		for i, c := range row {
			cells[i] = text(c)
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (r *Report) renderJSON(w io.Writer) error {
	var b []byte
	for _, row := range r.Rows {
		b = b[:0]
		b = append(b, '{')
		for i, c := range row {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, r.Columns[i].Name)
			b = append(b, ':')
			switch v := c.(type) {
			case nil:
				b = append(b, "null"...)
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					b = append(b, "null"...)
				} else {
					b = strconv.AppendFloat(b, v, 'g', -1, 64)
				}
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case int:
				b = strconv.AppendInt(b, int64(v), 10)
			default:
				j, err := json.Marshal(text(c))
				if err != nil {
					return err
				}
				b = append(b, j...)
			}
		}
		b = append(b, '}', '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) renderTable(w io.Writer) error {
	digits := r.FloatDigits
	if digits <= 0 {
		digits = 4
	}
	aligns := make(tw.Alignment, len(r.Columns))
	for i, c := range r.Columns {
		aligns[i] = tw.AlignLeft
		if c.Number {
			aligns[i] = tw.AlignRight
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithRowAutoWrap(tw.WrapTruncate),
		tablewriter.WithRowMaxWidth(48),
	)
	t.Header(r.names())
	for _, cells := range r.formatted(digits) {
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	return t.Render()
}

// formatted returns the rows as a person reads them: floats with digits
// significant digits, integers with thousands separators, empty cells empty.
func (r *Report) formatted(digits int) [][]string {
	out := make([][]string, len(r.Rows))
	for k, row := range r.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			switch v := c.(type) {
			case float64:
				cells[i] = strconv.FormatFloat(v, 'g', digits, 64)
			case int64:
				cells[i] = groupDigits(v)
			case int:
				cells[i] = groupDigits(int64(v))
			default:
				cells[i] = text(c)
			}
		}
		out[k] = cells
	}
	return out
}

// groupDigits writes 1234567 as 1,234,567 for tables.
func groupDigits(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// keepColumns returns r without the columns whose keep entry is false.
func (r *Report) keepColumns(keep []bool) *Report {
	out := &Report{FloatDigits: r.FloatDigits}
	for i, c := range r.Columns {
		if keep[i] {
			out.Columns = append(out.Columns, c)
		}
	}
	for _, row := range r.Rows {
		var kept []Cell
		for i, c := range row {
			if keep[i] {
				kept = append(kept, c)
			}
		}
		out.Rows = append(out.Rows, kept)
	}
	return out
}
