package export

import (
	"bufio"
	"io"
	"strconv"
)

// WriteGraphML writes g as GraphML (http://graphml.graphdrawing.org/): one
// <key> per attribute with its attr.type (double, long, string), a "label"
// and a "weight" key, a directed graph. Gephi, yEd, igraph, networkx and
// NodeXL read it. Missing values are left out of the element.
func WriteGraphML(w io.Writer, g *Graph) error {
	if err := g.Check(); err != nil {
		return err
	}
	b := bufio.NewWriterSize(w, 1<<16)
	x := &xmlWriter{w: b}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	key := func(id, target, name, typ string) {
		x.raw(`  <key id="` + id + `" for="` + target + `" attr.name="`)
		x.text(name)
		x.raw(`" attr.type="` + typ + `"/>` + "\n")
	}
	key("label", "node", "label", "string")
	for i, a := range g.NodeAttrs {
		key("n"+strconv.Itoa(i), "node", a.Name, graphmlType(a.Type))
	}
	key("weight", "edge", "weight", "double")
	for i, a := range g.EdgeAttrs {
		key("e"+strconv.Itoa(i), "edge", a.Name, graphmlType(a.Type))
	}
	x.raw(`  <graph id="G" edgedefault="directed">` + "\n")
	for v := range g.IDs {
		x.raw(`    <node id="`)
		x.text(g.IDs[v])
		x.raw(`"><data key="label">`)
		x.text(g.Labels[v])
		x.raw(`</data>`)
		x.data("n", g.NodeAttrs, v)
		x.raw("</node>\n")
	}
	for e := range g.Src {
		x.raw(`    <edge source="`)
		x.text(g.IDs[g.Src[e]])
		x.raw(`" target="`)
		x.text(g.IDs[g.Dst[e]])
		x.raw(`"><data key="weight">` + formatFloat(g.Weight[e]) + `</data>`)
		x.data("e", g.EdgeAttrs, e)
		x.raw("</edge>\n")
	}
	x.raw("  </graph>\n</graphml>\n")
	if x.err != nil {
		return x.err
	}
	return b.Flush()
}

func graphmlType(t Type) string {
	switch t {
	case Int:
		return "long"
	case String:
		return "string"
	}
	return "double"
}

func (x *xmlWriter) data(prefix string, attrs []Attr, i int) {
	for j := range attrs {
		a := &attrs[j]
		if a.Missing(i) {
			continue
		}
		x.raw(`<data key="` + prefix + strconv.Itoa(j) + `">`)
		if a.Type == String {
			x.text(a.Str[i])
		} else {
			x.raw(numText(a.Type, a.Num[i]))
		}
		x.raw(`</data>`)
	}
}
