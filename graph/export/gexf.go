package export

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// GEXFOptions configures WriteGEXF.
type GEXFOptions struct {
	// Dynamic writes a dynamic graph: each node and edge with a known
	// NodeStart/EdgeStart carries it as start (open-ended interval), so
	// Gephi's timeline shows the graph growing as the conversation went.
	Dynamic bool
}

// WriteGEXF writes g as GEXF 1.3 (https://gexf.net/schema.html), the format
// Gephi 0.10 opens natively: nodes with id and label, attributes declared
// with their types (double, long, string) in <attributes>, directed edges with
// their weight and attribute values. Missing values are left out of a
// node's <attvalues>, which GEXF readers take as "no value".
func WriteGEXF(w io.Writer, g *Graph, o GEXFOptions) error {
	if err := g.Check(); err != nil {
		return err
	}
	b := bufio.NewWriterSize(w, 1<<16)
	x := &xmlWriter{w: b}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">` + "\n")
	x.raw("  <meta>\n    <creator>")
	x.text(g.Creator)
	x.raw("</creator>\n    <description>")
	x.text(g.Description)
	x.raw("</description>\n  </meta>\n")
	dynamic := o.Dynamic && (g.NodeStart != nil || g.EdgeStart != nil)
	if dynamic {
		x.raw(`  <graph mode="dynamic" defaultedgetype="directed" timeformat="dateTime" timerepresentation="interval">` + "\n")
	} else {
		x.raw(`  <graph mode="static" defaultedgetype="directed">` + "\n")
	}
	declare := func(class string, attrs []Attr) {
		if len(attrs) == 0 {
			return
		}
		x.raw(`    <attributes class="` + class + `" mode="static">` + "\n")
		for i, a := range attrs {
			x.raw(`      <attribute id="` + strconv.Itoa(i) + `" title="`)
			x.text(a.Name)
			x.raw(`" type="` + gexfType(a.Type) + `"/>` + "\n")
		}
		x.raw("    </attributes>\n")
	}
	declare("node", g.NodeAttrs)
	declare("edge", g.EdgeAttrs)
	x.raw(`    <nodes count="` + strconv.Itoa(len(g.IDs)) + `">` + "\n")
	for v := range g.IDs {
		x.raw(`      <node id="`)
		x.text(g.IDs[v])
		x.raw(`" label="`)
		x.text(g.Labels[v])
		x.raw(`"`)
		if dynamic && g.NodeStart != nil {
			x.start(g.NodeStart[v])
		}
		x.raw(">")
		x.attvalues(g.NodeAttrs, v)
		x.raw("</node>\n")
	}
	x.raw("    </nodes>\n")
	x.raw(`    <edges count="` + strconv.Itoa(len(g.Src)) + `">` + "\n")
	for e := range g.Src {
		x.raw(`      <edge id="` + strconv.Itoa(e) + `" source="`)
		x.text(g.IDs[g.Src[e]])
		x.raw(`" target="`)
		x.text(g.IDs[g.Dst[e]])
		x.raw(`" weight="` + formatFloat(g.Weight[e]) + `"`)
		if dynamic && g.EdgeStart != nil {
			x.start(g.EdgeStart[e])
		}
		x.raw(">")
		x.attvalues(g.EdgeAttrs, e)
		x.raw("</edge>\n")
	}
	x.raw("    </edges>\n  </graph>\n</gexf>\n")
	if x.err != nil {
		return x.err
	}
	return b.Flush()
}

func gexfType(t Type) string {
	switch t {
	case Int:
		return "long"
	case String:
		return "string"
	}
	return "double"
}

// xmlWriter writes escaped XML text, keeping the first error.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// text writes s escaped for element text and attribute values (quotes
// included). Characters XML 1.0 cannot hold at all become U+FFFD.
func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

func (x *xmlWriter) start(t time.Time) {
	if !t.IsZero() {
		x.raw(` start="` + t.UTC().Format("2006-01-02T15:04:05Z") + `"`)
	}
}

func (x *xmlWriter) attvalues(attrs []Attr, i int) {
	any := false
	for j := range attrs {
		a := &attrs[j]
		if a.Missing(i) {
			continue
		}
		if !any {
			x.raw("<attvalues>")
			any = true
		}
		x.raw(`<attvalue for="` + strconv.Itoa(j) + `" value="`)
		if a.Type == String {
			x.text(a.Str[i])
		} else {
			x.raw(numText(a.Type, a.Num[i]))
		}
		x.raw(`"/>`)
	}
	if any {
		x.raw("</attvalues>")
	}
}

// formatFloat writes every digit, and never an exponent form XML Schema's
// double type would refuse (Go's "+Inf", "NaN").
func formatFloat(v float64) string {
	switch {
	case v != v:
		return "NaN"
	case v > 1.7976931348623157e308:
		return "INF"
	case v < -1.7976931348623157e308:
		return "-INF"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
