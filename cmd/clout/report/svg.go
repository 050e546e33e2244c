package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// The charts are hand-written SVG: a few hundred bytes of markup each,
// crisp at any zoom, no fonts embedded (the page's own are used) and nothing
// to load. Every text placed is escaped.

const (
	chartW, chartH = 560, 330
	padL, padR     = 64, 18
	padT, padB     = 16, 52
)

// Color returns the i-th colour of a colour-blind-safe palette (Okabe & Ito
// 2008), cycling.
func Color(i int) string {
	palette := [...]string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}
	return palette[i%len(palette)]
}

// Point is one (x, y) pair.
type Point struct{ X, Y float64 }

type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func open(title string) *svgBuilder {
	b := &svgBuilder{}
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, esc(title))
	return b
}

func (b *svgBuilder) close() string {
	b.WriteString("</svg>")
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// axes draws the frame and the axis labels.
func (b *svgBuilder) axes(xlabel, ylabel string) {
	x0, y0, x1, y1 := padL, chartH-padB, chartW-padR, padT
	b.f(`<path d="M%d %dV%dH%d" fill="none" stroke="#9aa3b2"/>`, x0, y1, y0, x1)
	b.f(`<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text>`, (x0+x1)/2, chartH-10, esc(xlabel))
	b.f(`<text transform="translate(16 %d) rotate(-90)" text-anchor="middle" font-size="13">%s</text>`, (y0+y1)/2, esc(ylabel))
}

// LogLog draws points on logarithmic axes (a degree distribution, say).
// Points with x or y ≤ 0 cannot be placed and are left out; zeroes the
// caller wants shown must be shifted by one and said so in the label.
func LogLog(title, xlabel, ylabel string, pts []Point) string {
	b := open(title)
	b.axes(xlabel, ylabel)
	var keep []Point
	for _, p := range pts {
		if p.X > 0 && p.Y > 0 && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		b.f(`<text x="%d" y="%d" text-anchor="middle" font-size="14">no data</text>`, chartW/2, chartH/2)
		return b.close()
	}
	lx0, lx1, ly0, ly1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range keep {
		lx0, lx1 = min(lx0, math.Log10(p.X)), max(lx1, math.Log10(p.X))
		ly0, ly1 = min(ly0, math.Log10(p.Y)), max(ly1, math.Log10(p.Y))
	}
	lx0, ly0 = math.Floor(lx0), math.Floor(ly0)
	lx1, ly1 = math.Max(math.Ceil(lx1), lx0+1), math.Max(math.Ceil(ly1), ly0+1)
	sx := func(v float64) float64 {
		return padL + (math.Log10(v)-lx0)/(lx1-lx0)*float64(chartW-padL-padR)
	}
	sy := func(v float64) float64 {
		return float64(chartH-padB) - (math.Log10(v)-ly0)/(ly1-ly0)*float64(chartH-padB-padT)
	}
	for e := lx0; e <= lx1; e++ {
		x := sx(math.Pow(10, e))
		b.f(`<line x1="%s" x2="%s" y1="%d" y2="%d" stroke="#eef0f4"/>`, num(x), num(x), padT, chartH-padB)
		b.f(`<text x="%s" y="%d" text-anchor="middle" font-size="12">%s</text>`, num(x), chartH-padB+16, pow10(e))
	}
	for e := ly0; e <= ly1; e++ {
		y := sy(math.Pow(10, e))
		b.f(`<line x1="%d" x2="%d" y1="%s" y2="%s" stroke="#eef0f4"/>`, padL, chartW-padR, num(y), num(y))
		b.f(`<text x="%d" y="%s" text-anchor="end" font-size="12" dominant-baseline="middle">%s</text>`, padL-6, num(y), pow10(e))
	}
	b.f(`<g fill="%s" fill-opacity="0.7">`, Color(0))
	for _, p := range keep {
		b.f(`<circle cx="%s" cy="%s" r="2.6"/>`, num(sx(p.X)), num(sy(p.Y)))
	}
	b.WriteString("</g>")
	return b.close()
}

func pow10(e float64) string {
	switch {
	case e == 0:
		return "1"
	case e == 1:
		return "10"
	case e < 0 || e > 6:
		return "1e" + strconv.Itoa(int(e))
	}
	return "1" + strings.Repeat("0", int(e))
}

// Heatmap draws a symmetric matrix of values in [-1, 1] (rank correlations)
// with a diverging scale: blue for −1, white for 0, red for 1, the value in
// each cell. NaN cells are grey.
func Heatmap(title string, names []string, m [][]float64) string {
	n := len(names)
	label := 120
	side := min(float64(chartW-label-10)/float64(max(n, 1)), 48)
	h := int(float64(label) + side*float64(n) + 10)
	b := &svgBuilder{}
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, max(h, 60), esc(title))
	for i, name := range names {
		y := float64(label) + side*(float64(i)+0.5)
		b.f(`<text x="%d" y="%s" text-anchor="end" font-size="11" dominant-baseline="middle">%s</text>`, label-6, num(y), esc(name))
		x := float64(label) + side*(float64(i)+0.5)
		b.f(`<text transform="translate(%s %d) rotate(-50)" font-size="11">%s</text>`, num(x), label-6, esc(name))
	}
	for i := range n {
		for j := range n {
			v := m[i][j]
			x, y := float64(label)+side*float64(j), float64(label)+side*float64(i)
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff"><title>%s × %s: %s</title></rect>`,
				num(x), num(y), num(side), num(side), diverging(v), esc(names[i]), esc(names[j]), corr(v))
			if side >= 26 {
				fill := "#1d2433"
				if math.Abs(v) > 0.65 {
					fill = "#fff"
				}
				b.f(`<text x="%s" y="%s" text-anchor="middle" dominant-baseline="middle" font-size="10" style="fill:%s">%s</text>`,
					num(x+side/2), num(y+side/2), fill, corr(v))
			}
		}
	}
	return b.close()
}

func corr(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// diverging maps [-1, 1] to blue–white–red.
func diverging(v float64) string {
	if math.IsNaN(v) {
		return "#d9dce3"
	}
	v = max(-1, min(1, v))
	lerp := func(a, b float64, t float64) int { return int(math.Round(a + (b-a)*t)) }
	if v < 0 {
		t := -v
		return fmt.Sprintf("#%02x%02x%02x", lerp(255, 33, t), lerp(255, 102, t), lerp(255, 172, t))
	}
	return fmt.Sprintf("#%02x%02x%02x", lerp(255, 178, v), lerp(255, 24, v), lerp(255, 43, v))
}

// Series is one named line of a time chart.
type Series struct {
	Name   string
	Values []float64
}

// Timeline draws one line per series over time buckets starting at starts
// (all series have one value per bucket), with a legend.
func Timeline(title, ylabel string, starts []time.Time, series []Series) string {
	b := open(title)
	b.axes("time (UTC)", ylabel)
	if len(starts) == 0 {
		b.f(`<text x="%d" y="%d" text-anchor="middle" font-size="14">no timed events</text>`, chartW/2, chartH/2)
		return b.close()
	}
	top := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			top = max(top, v)
		}
	}
	top = niceCeil(top)
	n := len(starts)
	sx := func(i int) float64 {
		if n == 1 {
			return float64(padL+chartW-padR) / 2
		}
		return padL + float64(i)/float64(n-1)*float64(chartW-padL-padR)
	}
	sy := func(v float64) float64 { return float64(chartH-padB) - v/top*float64(chartH-padB-padT) }
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		y := sy(v)
		b.f(`<line x1="%d" x2="%d" y1="%s" y2="%s" stroke="#eef0f4"/>`, padL, chartW-padR, num(y), num(y))
		b.f(`<text x="%d" y="%s" text-anchor="end" font-size="12" dominant-baseline="middle">%s</text>`, padL-6, num(y), shortNum(v))
	}
	span := starts[n-1].Sub(starts[0])
	layout := "2006-01-02"
	if span < 48*time.Hour {
		layout = "01-02 15:04"
	}
	for _, i := range []int{0, n / 2, n - 1} {
		anchor := "middle"
		if i == 0 {
			anchor = "start"
		} else if i == n-1 {
			anchor = "end"
		}
		b.f(`<text x="%s" y="%d" text-anchor="%s" font-size="12">%s</text>`, num(sx(i)), chartH-padB+16, anchor, starts[i].UTC().Format(layout))
	}
	for si, s := range series {
		var d strings.Builder
		for i, v := range s.Values {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, num(sx(i)), num(sy(v)))
		}
		b.f(`<path d="%s" fill="none" stroke="%s" stroke-width="1.8"/>`, d.String(), Color(si))
		lx := padL + 10 + (si%4)*120
		ly := padT + 8 + (si/4)*16
		b.f(`<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="12">%s</text>`, lx, ly-8, Color(si), lx+14, ly+1, esc(s.Name))
	}
	return b.close()
}

// Bars draws horizontal bars, one per label, longest first as given.
func Bars(title, xlabel string, labels []string, values []float64) string {
	rowH := 18.0
	h := padT + int(rowH*float64(len(labels))) + 40
	b := &svgBuilder{}
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, max(h, 80), esc(title))
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	if top == 0 {
		top = 1
	}
	left := 110.0
	width := float64(chartW) - left - 70
	for i, l := range labels {
		y := float64(padT) + rowH*float64(i)
		w := values[i] / top * width
		b.f(`<text x="%s" y="%s" text-anchor="end" font-size="12" dominant-baseline="middle">%s</text>`, num(left-6), num(y+rowH/2), esc(l))
		b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(left), num(y+2), num(max(w, 1)), num(rowH-4), Color(i))
		b.f(`<text x="%s" y="%s" font-size="12" dominant-baseline="middle">%s</text>`, num(left+w+4), num(y+rowH/2), shortNum(values[i]))
	}
	b.f(`<text x="%s" y="%d" text-anchor="middle" font-size="13">%s</text>`, num(left+width/2), h-10, esc(xlabel))
	return b.close()
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func shortNum(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
