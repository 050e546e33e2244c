package mastodon

import (
	"fmt"
	"strings"
)

// link is one link-value of an HTTP Link header (RFC 8288 §3).
type link struct {
	Target string
	// Params maps lower-cased parameter names to their (unquoted) values;
	// the first occurrence of a name wins (RFC 8288 §3.3 for rel).
	Params map[string]string
}

// rels reports whether l has relation type rel; rel may list several
// space-separated types, compared case-insensitively (RFC 8288 §2.1.1).
func (l link) hasRel(rel string) bool {
	for _, r := range strings.Fields(l.Params["rel"]) {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// parseLinks parses Link header field values:
//
//	Link       = #link-value
//	link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//	link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//
// Several header lines are the same as one line joined by commas. Commas and
// semicolons inside <...> and quoted strings do not separate anything.
// Syntax errors are errors: a list whose next page cannot be read must not
// look finished.
func parseLinks(values []string) ([]link, error) {
	var out []link
	for _, v := range values {
		ls, err := parseLinkValue(v)
		if err != nil {
			return nil, fmt.Errorf("malformed Link header %q: %w", v, err)
		}
		out = append(out, ls...)
	}
	return out, nil
}

func parseLinkValue(s string) ([]link, error) {
	var out []link
	i := 0
	skipWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		// Empty list elements are allowed (RFC 9110 §5.6.1).
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i == len(s) {
			return out, nil
		}
		if s[i] != '<' {
			return nil, fmt.Errorf("want '<' at offset %d", i)
		}
		end := strings.IndexByte(s[i+1:], '>')
		if end < 0 {
			return nil, fmt.Errorf("unterminated '<' at offset %d", i)
		}
		l := link{Target: strings.TrimSpace(s[i+1 : i+1+end]), Params: map[string]string{}}
		i += end + 2
		for {
			skipWS()
			if i == len(s) || s[i] == ',' {
				break
			}
			if s[i] != ';' {
				return nil, fmt.Errorf("want ';' or ',' at offset %d", i)
			}
			i++
			skipWS()
			j := i
			for i < len(s) && isTokenChar(s[i]) {
				i++
			}
			if i == j {
				if i == len(s) || s[i] == ',' || s[i] == ';' {
					continue // a stray ';' with no parameter
				}
				return nil, fmt.Errorf("want parameter name at offset %d", i)
			}
			name := strings.ToLower(s[j:i])
			skipWS()
			val := ""
			if i < len(s) && s[i] == '=' {
				i++
				skipWS()
				var err error
				if val, err = paramValue(s, &i); err != nil {
					return nil, err
				}
			}
			if _, seen := l.Params[name]; !seen {
				l.Params[name] = val
			}
		}
		out = append(out, l)
	}
}

// paramValue reads a token or a quoted-string at s[*i:].
func paramValue(s string, i *int) (string, error) {
	if *i < len(s) && s[*i] == '"' {
		var b strings.Builder
		for j := *i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				j++
				if j == len(s) {
					return "", fmt.Errorf("unterminated quoted string at offset %d", *i)
				}
				b.WriteByte(s[j])
			case '"':
				*i = j + 1
				return b.String(), nil
			default:
				b.WriteByte(s[j])
			}
		}
		return "", fmt.Errorf("unterminated quoted string at offset %d", *i)
	}
	j := *i
	for *i < len(s) && isTokenChar(s[*i]) {
		*i++
	}
	if *i == j {
		return "", fmt.Errorf("want parameter value at offset %d", j)
	}
	return s[j:*i], nil
}

// isTokenChar reports whether c is a tchar (RFC 9110 §5.6.2); '*' covers
// extended parameter names such as title*.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
