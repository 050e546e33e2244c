// Package report renders clout's one-page HTML report: a self-contained file
// (styles, charts and the little script inline; no fonts, scripts or images
// fetched) that shows a dataset, its ranking and the charts that explain it.
// It only renders what it is given; cmd/clout gathers the data.
package report

import (
	"html/template"
	"io"
)

// Data is everything a report shows.
type Data struct {
	Title    string
	Subtitle string
	// Facts are the dataset at a glance (accounts, edges, events, window).
	Facts []Fact
	// Table is the ranking.
	Table Table
	// Charts are drawn in order; each SVG comes from one of this package's
	// chart functions.
	Charts []Chart
	// Footer says how the report was made (command, clout version).
	Footer string
}

// Fact is one labelled number or text of the dataset summary.
type Fact struct {
	Label, Value string
}

// Table is the ranking: a header, rows of formatted cells, and for each row
// a short sentence saying why it ranks where it does.
type Table struct {
	Caption string
	Columns []string
	Numeric []bool
	Rows    [][]string
	Why     []string
}

// Chart is one figure.
type Chart struct {
	ID      string
	Title   string
	Caption string
	SVG     string
}

// Write renders d as one HTML page.
func Write(w io.Writer, d *Data) error {
	type chart struct {
		Chart
		Inline template.HTML
	}
	charts := make([]chart, len(d.Charts))
	for i, c := range d.Charts {
		// The SVG is built by this package's chart functions, which escape
		// every text they place.
		charts[i] = chart{c, template.HTML(c.SVG)}
	}
	return page.Execute(w, struct {
		*Data
		ChartList []chart
	}{d, charts})
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
:root { --ink: #1d2433; --muted: #5b6475; --line: #dde1e8; --accent: #2f6fdf; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 10px; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-bottom: 22px; }
.fact { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.fact .v { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.fact .l { color: var(--muted); font-size: 13px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 18px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px; }
.grid section { margin-bottom: 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #fff; cursor: pointer; user-select: none; white-space: nowrap; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
th[aria-sort="descending"]::after { content: " ▼"; color: var(--accent); }
th[aria-sort="ascending"]::after { content: " ▲"; color: var(--accent); }
td.why { color: var(--muted); font-size: 13px; min-width: 280px; }
.scroll { overflow-x: auto; }
.caption { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; fill: var(--ink); }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="subtitle">{{.Subtitle}}</p>
<div class="facts" id="facts">
{{- range .Facts}}
<div class="fact"><div class="v">{{.Value}}</div><div class="l">{{.Label}}</div></div>
{{- end}}
</div>
<section id="ranking">
<h2>{{.Table.Caption}}</h2>
<div class="scroll">
<table id="top">
<thead><tr>{{range $i, $c := .Table.Columns}}<th{{if index $.Table.Numeric $i}} class="num"{{end}}>{{$c}}</th>{{end}}<th>why</th></tr></thead>
<tbody>
{{- range $r, $row := .Table.Rows}}
<tr>{{range $i, $c := $row}}<td{{if index $.Table.Numeric $i}} class="num"{{end}}>{{$c}}</td>{{end}}<td class="why">{{index $.Table.Why $r}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
</section>
<div class="grid">
{{- range .ChartList}}
<section class="chart" id="{{.ID}}">
<h2>{{.Title}}</h2>
{{.Inline}}
<p class="caption">{{.Caption}}</p>
</section>
{{- end}}
</div>
<footer>{{.Footer}}</footer>
</main>
<script>
// What a browser test reads back from the rendered page: that the script
// ran, how many rows and charts were drawn, and any script error.
(function () {
  var errors = 0;
  window.addEventListener('error', function () { errors++; document.body.dataset.errors = String(errors); });
  document.body.dataset.errors = '0';
  document.body.dataset.rows = String(document.querySelectorAll('#top tbody tr').length);
  document.body.dataset.charts = String(document.querySelectorAll('section.chart svg').length);
  document.body.dataset.ready = '1';
})();
// Click a column header to sort the ranking by it (numbers as numbers,
// empty cells last); click again to reverse.
document.querySelectorAll('#top th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var tbody = document.querySelector('#top tbody');
    var desc = th.getAttribute('aria-sort') !== 'descending';
    document.querySelectorAll('#top th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    var num = th.classList.contains('num');
    var rows = Array.prototype.slice.call(tbody.rows);
    function key(r) {
      var t = r.cells[col].textContent.trim();
      if (!num) return t.toLowerCase();
      return t === '' ? NaN : parseFloat(t.replace(/,/g, ''));
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (num) {
        if (isNaN(x)) return isNaN(y) ? 0 : 1;
        if (isNaN(y)) return -1;
        return desc ? y - x : x - y;
      }
      return desc ? (x < y ? 1 : x > y ? -1 : 0) : (x < y ? -1 : x > y ? 1 : 0);
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  });
});
</script>
</body>
</html>
`))
