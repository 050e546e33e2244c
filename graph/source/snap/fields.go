package snap

// maxFields is one more than the most fields a valid line has, so that
// splitFields can tell "4" from "more than 4" without counting further.
const maxFields = 5

// isSpace reports whether c separates fields. '\r' is included so CRLF files
// read like LF files; '\v' and '\f' because strings.Fields treats them so.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// splitFields stores up to maxFields whitespace-separated fields of line in f
// and returns how many it found, capped at maxFields. The fields alias line.
func splitFields(line []byte, f *[maxFields][]byte) int {
	n := 0
	i := 0
	for n < maxFields {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		f[n] = line[i:j]
		n++
		i = j
	}
	return n
}

// parseUint parses a non-empty run of ASCII digits without allocating.
// ok is false for anything else or on overflow of int64.
func parseUint(b []byte) (v int64, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	const cutoff = (1<<63 - 1) / 10
	for _, c := range b {
		if c < '0' || c > '9' || v > cutoff {
			return 0, false
		}
		v = v*10 + int64(c-'0')
		if v < 0 {
			return 0, false
		}
	}
	return v, true
}

// parseCount parses an event count: a positive integer, also written as an
// integer-valued decimal such as "2.0" (some tools write every weight as a float).
func parseCount(b []byte) (int64, bool) {
	for i, c := range b {
		if c == '.' {
			for _, d := range b[i+1:] {
				if d != '0' {
					return 0, false
				}
			}
			b = b[:i]
			break
		}
	}
	v, ok := parseUint(b)
	return v, ok && v > 0
}

// parseUnix parses Unix seconds, optionally negative.
func parseUnix(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == '-' {
		v, ok := parseUint(b[1:])
		return -v, ok
	}
	return parseUint(b)
}

// countFields counts the whitespace-separated fields of line.
func countFields(line []byte) int {
	n := 0
	in := false
	for _, c := range line {
		s := isSpace(c)
		if !s && !in {
			n++
		}
		in = !s
	}
	return n
}
