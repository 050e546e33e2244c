package export

import (
	"bufio"
	"encoding/csv"
	"io"
)

// WriteCSV writes g as two RFC 4180 tables in the shape Gephi's spreadsheet
// import (and NodeXL) expect: nodes with Id, Label and one column per
// attribute; edges with Source, Target, Type (Directed), Weight and one column
// per edge attribute. Missing values are empty cells.
func WriteCSV(nodes, edges io.Writer, g *Graph) error {
	if err := g.Check(); err != nil {
		return err
	}
	row := func(attrs []Attr, i int, out []string) []string {
		for j := range attrs {
			a := &attrs[j]
			switch {
			case a.Type == String:
				out = append(out, a.Str[i])
			case a.Missing(i):
				out = append(out, "")
			default:
				out = append(out, numText(a.Type, a.Num[i]))
			}
		}
		return out
	}
	header := func(fixed []string, attrs []Attr) []string {
		for _, a := range attrs {
			fixed = append(fixed, a.Name)
		}
		return fixed
	}
	bn := bufio.NewWriterSize(nodes, 1<<16)
	cn := csv.NewWriter(bn)
	if err := cn.Write(header([]string{"Id", "Label"}, g.NodeAttrs)); err != nil {
		return err
	}
	rec := make([]string, 0, 2+len(g.NodeAttrs))
	for v := range g.IDs {
		if err := cn.Write(row(g.NodeAttrs, v, append(rec[:0], g.IDs[v], g.Labels[v]))); err != nil {
			return err
		}
	}
	if cn.Flush(); cn.Error() != nil {
		return cn.Error()
	}
	if err := bn.Flush(); err != nil {
		return err
	}
	be := bufio.NewWriterSize(edges, 1<<16)
	ce := csv.NewWriter(be)
	if err := ce.Write(header([]string{"Source", "Target", "Type", "Weight"}, g.EdgeAttrs)); err != nil {
		return err
	}
	rec = make([]string, 0, 4+len(g.EdgeAttrs))
	for e := range g.Src {
		if err := ce.Write(row(g.EdgeAttrs, e, append(rec[:0], g.IDs[g.Src[e]], g.IDs[g.Dst[e]], "Directed", formatFloat(g.Weight[e])))); err != nil {
			return err
		}
	}
	if ce.Flush(); ce.Error() != nil {
		return ce.Error()
	}
	return be.Flush()
}
