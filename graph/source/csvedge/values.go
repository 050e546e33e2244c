package csvedge

import (
	"strconv"
	"strings"
	"time"
)

// parseCount parses an event count: a positive whole number, also written as
// an integer-valued decimal such as "2.0" (spreadsheets and Gephi write every
// weight as a float). With decimalComma, "2,0" is read the same way: files
// delimited by semicolons come from locales that write a decimal comma. (Such
// a locale's "1.000" meaning a thousand is read as 1; event counts in the
// thousands written with a grouping dot are rare enough to accept that.)
func parseCount(s string, decimalComma bool) (int64, bool) {
	seps := "."
	if decimalComma {
		seps = ".,"
	}
	if i := strings.IndexAny(s, seps); i >= 0 {
		if strings.Trim(s[i+1:], "0") != "" {
			return 0, false
		}
		s = s[:i]
	}
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v > 0
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseTime reads the time formats clout's CSV, Gephi and NodeXL files use.
// Times without a zone are UTC (NodeXL labels its columns "(UTC)").
func parseTime(s string) (time.Time, bool) {
	switch {
	case isDigits(s) || (len(s) > 1 && s[0] == '-' && isDigits(s[1:])):
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(sec, 0).UTC(), true
	case strings.IndexByte(s, '/') >= 0:
		return parseSlashTime(s)
	}
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006-01-02T15:04:05",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseSlashTime reads "D1/D2/YYYY[ h:mm[:ss][ AM|PM]]" as NodeXL writes it
// under various Windows locales. When D1 > 12 the date is day-first
// (14/03/2019); otherwise it is read month-first (3/4/2019 = March 4), because
// NodeXL's default (US) locale writes M/D/Y and the two cannot be told apart.
// Two-digit years are 20YY.
func parseSlashTime(s string) (time.Time, bool) {
	date, clock, _ := strings.Cut(s, " ")
	p := strings.Split(date, "/")
	if len(p) != 3 || len(p[0]) > 2 || len(p[1]) > 2 || (len(p[2]) != 4 && len(p[2]) != 2) {
		return time.Time{}, false
	}
	var n [3]int
	for i, x := range p {
		if !isDigits(x) {
			return time.Time{}, false
		}
		n[i], _ = strconv.Atoi(x)
	}
	month, day, year := n[0], n[1], n[2]
	if month > 12 {
		month, day = day, month
	}
	if len(p[2]) == 2 {
		year += 2000
	}
	h, m, sec, ok := parseClock(strings.TrimSpace(clock))
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, h, m, sec, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || month < 1 {
		return time.Time{}, false // 2/30/2019 and the like
	}
	return t, true
}

// parseClock reads "" (midnight), "h:mm", "h:mm:ss", each optionally followed
// by AM or PM.
func parseClock(s string) (h, m, sec int, ok bool) {
	if s == "" {
		return 0, 0, 0, true
	}
	hm, ampm, _ := strings.Cut(s, " ")
	ampm = strings.ToUpper(strings.TrimSpace(ampm))
	p := strings.Split(hm, ":")
	if len(p) < 2 || len(p) > 3 {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, x := range p {
		if !isDigits(x) || len(x) > 2 {
			return 0, 0, 0, false
		}
		n[i], _ = strconv.Atoi(x)
	}
	h, m, sec = n[0], n[1], n[2]
	switch ampm {
	case "":
		ok = h <= 23
	case "AM", "PM":
		ok = h >= 1 && h <= 12
		h %= 12
		if ampm == "PM" {
			h += 12
		}
	}
	return h, m, sec, ok && m <= 59 && sec <= 59
}

// parseHashtags splits a hashtags cell on spaces and commas, strips leading
// '#' and lower-cases; empty and repeated tags are dropped.
func parseHashtags(s string) []string {
	var tags []string
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		t := strings.ToLower(strings.TrimLeft(f, "#"))
		if t == "" || contains(tags, t) {
			continue
		}
		tags = append(tags, strings.Clone(t))
	}
	return tags
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// statusID returns the post id in a tweet URL such as
// https://twitter.com/alice/status/1106245678901234567, "" if there is none.
func statusID(url string) string {
	_, rest, ok := strings.Cut(url, "/status/")
	if !ok {
		_, rest, ok = strings.Cut(url, "/statuses/")
	}
	if !ok {
		return ""
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	return rest[:i]
}
