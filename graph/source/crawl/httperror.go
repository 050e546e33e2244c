package crawl

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// statusError is the HTTPError for a non-2xx response, with the error name
// and message from its body when the body is a JSON error.
func statusError(shown string, r *Response) *HTTPError {
	code, msg := errorBody(r.Body)
	if code == "" && msg == "" {
		msg = http.StatusText(r.Status) + bodyKind(r.Header)
	}
	return &HTTPError{URL: shown, Status: r.Status, Code: code, Msg: msg}
}

// bodyKind names a body that is not JSON, for error messages: an HTML page
// from a proxy is the usual suspect.
func bodyKind(h http.Header) string {
	ct, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json") {
		return ""
	}
	return " (body is " + ct + ")"
}

// errorBody pulls an error name and message out of a JSON error body:
// {"error": NAME, "message": MSG} (Bluesky XRPC), {"error": MSG,
// "error_description": …} (Mastodon), problem JSON {"title", "detail",
// "type"} (X API v2), {"errors": [{"code", "message"}]} (X API v1.1).
// Anything else gives "", "".
func errorBody(b []byte) (code, msg string) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return "", ""
	}
	str := func(k string) string {
		var s string
		if json.Unmarshal(m[k], &s) != nil {
			return ""
		}
		return clean(s)
	}
	code = str("error")
	if code == "" {
		code = str("title")
	}
	if code == "" {
		if t := str("type"); t != "" {
			code = t[strings.LastIndexByte(t, '/')+1:]
		}
	}
	msg = str("message")
	if msg == "" {
		msg = str("detail")
	}
	if msg == "" {
		msg = str("error_description")
	}
	if code == "" && msg == "" {
		var errs []struct {
			Code    json.Number `json:"code"`
			Message string      `json:"message"`
		}
		if json.Unmarshal(m["errors"], &errs) == nil && len(errs) > 0 {
			code, msg = clean(errs[0].Code.String()), clean(errs[0].Message)
		}
	}
	if msg == code {
		msg = ""
	}
	return code, msg
}

// clean keeps an error text printable and short: it comes from the network.
func clean(s string) string {
	const max = 300
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.TrimSpace(s)
}

// secretParams are query parameters whose values never appear in errors or
// logs.
var secretParams = map[string]bool{
	"access_token": true, "token": true, "key": true, "api_key": true, "apikey": true,
	"bearer_token": true, "client_secret": true, "password": true, "secret": true, "auth": true,
}

// redact renders u without user info and with secret query values replaced.
func redact(u *url.URL) string {
	v := *u
	v.User = nil
	if v.RawQuery != "" {
		q := v.Query()
		changed := false
		for k := range q {
			if secretParams[strings.ToLower(k)] {
				q[k] = []string{"REDACTED"}
				changed = true
			}
		}
		if changed {
			v.RawQuery = q.Encode()
		}
	}
	return v.String()
}

// redactString redacts a URL that did not parse: it is cut at the query.
func redactString(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "@"); i >= 0 {
		raw = raw[i+1:]
	}
	return strconv.Quote(raw)
}
