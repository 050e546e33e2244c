package x

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

const redacted = "[REDACTED]"

// check finishes every error the platform returns: an *crawl.HTTPError gets
// the X error name and message from its body when the client left them
// empty, and any text holding the token is scrubbed.
func (p *Platform) check(err error) error {
	if err == nil {
		return nil
	}
	var he *crawl.HTTPError
	if errors.As(err, &he) {
		c := *he
		if c.Code == "" {
			c.Code, c.Msg = errorBody(c.Msg)
		}
		c.URL, c.Code, c.Msg = p.scrub(c.URL), p.scrub(c.Code), p.scrub(c.Msg)
		return &c
	}
	if s := err.Error(); strings.Contains(s, p.token) {
		return &scrubbed{msg: p.scrub(s), cause: err}
	}
	return err
}

func (p *Platform) scrub(s string) string {
	if p.token == "" || !strings.Contains(s, p.token) {
		return s
	}
	return strings.ReplaceAll(s, p.token, redacted)
}

// scrubbed is an error whose text had the token removed. It answers
// errors.Is for context cancellation (so the engine still sees a Ctrl-C)
// but does not unwrap, which would expose the original text.
type scrubbed struct {
	msg   string
	cause error
}

func (e *scrubbed) Error() string { return e.msg }

func (e *scrubbed) Is(target error) bool {
	return (target == context.Canceled || target == context.DeadlineExceeded) && errors.Is(e.cause, target)
}

// errorBody reads an X error body: a problem ({"type", "title", "detail"}),
// or a legacy {"errors":[{"code":88,"message":"Rate limit exceeded"}]}. It
// returns the error's name (the problem type's last segment, else its
// title, else the legacy code) and message; a body that is neither comes
// back as the message, unchanged.
func errorBody(body string) (code, msg string) {
	var env envelope
	if json.Unmarshal([]byte(body), &env) != nil {
		return "", body
	}
	if c, m := problemText(&env.problem); c != "" || m != "" {
		return c, m
	}
	for i := range env.Errors {
		if c, m := problemText(&env.Errors[i]); c != "" || m != "" {
			return c, m
		}
	}
	return "", body
}

func problemText(p *problem) (code, msg string) {
	code = p.kind()
	if code == "" {
		code = p.Title
	}
	if code == "" && len(p.Code) > 0 {
		code = strings.Trim(string(p.Code), `"`)
	}
	msg = p.Detail
	if msg == "" {
		msg = p.Message
	}
	if msg == "" && p.kind() != "" {
		msg = p.Title
	}
	return code, msg
}

// subjectError is the error of a 200 response with no data whose errors[]
// names the request's subject ("" matches any error): the API answers "not
// found", "suspended" and "protected" that way rather than with a status. It
// returns nil for a plain empty result. The status is made up from the
// problem type so that the engine can tell these apart:
// "resource-not-found" 404 and "resource-unavailable" (suspended) 410, which
// crawl.IsNotFound recognizes, anything else ("not-authorized-for-resource":
// a protected account) 403.
func subjectError(env *envelope, subject, url string) *crawl.HTTPError {
	if hasData(env.Data) {
		return nil
	}
	for i := range env.Errors {
		e := &env.Errors[i]
		if subject != "" && e.ResourceID != "" && e.ResourceID != subject {
			continue
		}
		he := &crawl.HTTPError{URL: url, Code: e.kind(), Msg: e.Detail}
		if he.Msg == "" {
			he.Msg = e.Title
		}
		switch he.Code {
		case "resource-not-found":
			he.Status = http.StatusNotFound
		case "resource-unavailable":
			he.Status = http.StatusGone
		default:
			he.Status = http.StatusForbidden
		}
		return he
	}
	return nil
}

// hidden reports whether err says the list belongs to a protected account.
func hidden(err *crawl.HTTPError) bool {
	return err != nil && err.Code == "not-authorized-for-resource"
}

// hasData reports whether a data member is present and not null or empty.
func hasData(d json.RawMessage) bool {
	s := strings.TrimSpace(string(d))
	return s != "" && s != "null" && s != "[]" && s != "{}"
}
