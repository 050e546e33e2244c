package export

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
)

// WriteParquet writes g as two Parquet files with typed columns, the input
// pandas, DuckDB, Polars and Spark GraphFrames read directly:
//
//   - nodes: id and label (string), then one column per node attribute:
//     DOUBLE for floats, INT64 for integers, STRING for text; number columns
//     are optional (null where the value is missing);
//   - edges: source and target (the node ids, so the files join on id),
//     weight (DOUBLE), then the edge attributes the same way.
//
// Columns keep the order of g. Pages are Snappy-compressed, which every
// Parquet reader decodes.
func WriteParquet(nodes, edges io.Writer, g *Graph) error {
	if err := g.Check(); err != nil {
		return err
	}
	n := len(g.IDs)
	err := writeParquet(nodes, n, []fixedColumn{{"id", g.IDs}, {"label", g.Labels}}, nil, g.NodeAttrs)
	if err != nil {
		return fmt.Errorf("parquet nodes: %w", err)
	}
	src := make([]string, len(g.Src))
	dst := make([]string, len(g.Src))
	for e := range g.Src {
		src[e], dst[e] = g.IDs[g.Src[e]], g.IDs[g.Dst[e]]
	}
	weight := Attr{Name: "weight", Type: Float, Num: g.Weight}
	err = writeParquet(edges, len(g.Src), []fixedColumn{{"source", src}, {"target", dst}}, &weight, g.EdgeAttrs)
	if err != nil {
		return fmt.Errorf("parquet edges: %w", err)
	}
	return nil
}

type fixedColumn struct {
	name string
	vals []string
}

// writeParquet writes rows of the fixed string columns, then required
// (a required float column, may be nil), then attrs.
func writeParquet(w io.Writer, rows int, fixed []fixedColumn, required *Attr, attrs []Attr) error {
	// A struct type built at run time gives the schema with the columns in
	// our order (parquet.Group would sort them by name).
	var fields []reflect.StructField
	field := func(name string, t reflect.Type, optional bool) {
		if strings.ContainsAny(name, ",\"") {
			name = strings.NewReplacer(",", "_", "\"", "_").Replace(name)
		}
		tag := name
		if optional {
			tag += ",optional"
		}
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", len(fields)), Type: t, Tag: reflect.StructTag(`parquet:"` + tag + `"`)})
	}
	for _, c := range fixed {
		field(c.name, reflect.TypeFor[string](), false)
	}
	if required != nil {
		field(required.Name, reflect.TypeFor[float64](), false)
	}
	for _, a := range attrs {
		switch a.Type {
		case String:
			field(a.Name, reflect.TypeFor[string](), false)
		case Int:
			field(a.Name, reflect.TypeFor[*int64](), true)
		default:
			field(a.Name, reflect.TypeFor[*float64](), true)
		}
	}
	schema := parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Interface())
	pw := parquet.NewWriter(w, schema, parquet.Compression(&snappy.Codec{}))
	const batch = 4096
	// The rows of a batch are reused: WriteRows copies their values.
	buf := make([]parquet.Row, 0, batch)
	spare := make([]parquet.Row, batch)
	for i := range spare {
		spare[i] = make(parquet.Row, 0, len(fields))
	}
	for i := 0; i < rows; i++ {
		row := spare[len(buf)][:0]
		col := 0
		for _, c := range fixed {
			row = append(row, parquet.ByteArrayValue([]byte(c.vals[i])).Level(0, 0, col))
			col++
		}
		if required != nil {
			row = append(row, parquet.DoubleValue(required.Num[i]).Level(0, 0, col))
			col++
		}
		for j := range attrs {
			a := &attrs[j]
			switch {
			case a.Type == String:
				row = append(row, parquet.ByteArrayValue([]byte(a.Str[i])).Level(0, 0, col))
			case a.Missing(i):
				row = append(row, parquet.NullValue().Level(0, 0, col))
			case a.Type == Int:
				row = append(row, parquet.Int64Value(int64(a.Num[i])).Level(0, 1, col))
			default:
				row = append(row, parquet.DoubleValue(a.Num[i]).Level(0, 1, col))
			}
			col++
		}
		buf = append(buf, row)
		if len(buf) == batch {
			if _, err := pw.WriteRows(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := pw.WriteRows(buf); err != nil {
		return err
	}
	return pw.Close()
}
