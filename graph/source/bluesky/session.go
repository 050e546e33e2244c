package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultPDS is the Bluesky entryway, where accounts hosted by Bluesky log in
// and which proxies app.bsky.* methods to the AppView (bsky-docs
// docs/advanced-guides/api-directory.mdx).
const DefaultPDS = "https://bsky.social"

// Secret is a password or a token. It prints as "[redacted]" with every fmt
// verb and in JSON, so that it cannot reach a log line, an error or a
// database by accident; only the request that needs it reads its value.
type Secret string

const redacted = "[redacted]"

// Format prints "[redacted]" whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// String returns "[redacted]".
func (Secret) String() string { return redacted }

// GoString returns "[redacted]", quoted.
func (Secret) GoString() string { return `"` + redacted + `"` }

// MarshalJSON writes "[redacted]".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Credentials log in to a PDS for the methods that need a session (post
// search): a handle (or DID, or the account's e-mail) and an app password
// (Bluesky app: Settings → Privacy and security → App passwords).
type Credentials struct {
	Identifier string
	Password   Secret
}

// ErrNoSession is wrapped by errors of methods that need a logged-in
// session when the platform was built without Credentials.
var ErrNoSession = errors.New("Bluesky post search needs a logged-in session (an app password)")

// AuthError is a session call (createSession, refreshSession) the PDS
// refused. It never holds the password or a token.
type AuthError struct {
	URL    string // the method's URL
	Status int    // 0 for a network error
	Code   string // the XRPC error name (AuthenticationRequired, ExpiredToken, …)
	Msg    string
}

func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s: ", e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		if e.Msg != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Msg)
	return b.String()
}

// session is one logged-in session on a PDS, shared by the engine's
// workers: created once (the first time a token is needed), refreshed with
// refreshSession when the PDS says the access token expired, and created
// again only if the refresh token is refused. Tokens live in memory only.
type session struct {
	base string // PDS base URL, no trailing slash
	cred Credentials
	hc   *http.Client
	ua   string
	logf func(format string, args ...any)

	mu              sync.Mutex // held across login and refresh: one at a time
	access, refresh Secret
	did             string
}

// Session-call pacing: tries per call on 5xx and network errors, the first
// backoff, and the longest 429 wait worth sitting through (createSession
// allows 30 calls per 5 minutes per account; a longer wait is an error).
const (
	sessionAttempts = 3
	sessionBackoff  = time.Second
	maxSessionWait  = 5 * time.Minute
	maxSessionBody  = 1 << 20
)

// token returns the current access token, logging in first if there is
// none yet.
func (s *session) token(ctx context.Context) (Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access == "" {
		if err := s.login(ctx); err != nil {
			return "", err
		}
	}
	return s.access, nil
}

// renew replaces the access token used, which the server called expired:
// with refreshSession (the refresh token, not the access token, is the
// bearer), or with a new login when the refresh token is refused too. If
// another worker renewed it meanwhile, its token is returned as is.
func (s *session) renew(ctx context.Context, used Secret) (Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access != "" && s.access != used {
		return s.access, nil
	}
	if s.refresh != "" {
		var out sessionOutput
		err := s.call(ctx, "com.atproto.server.refreshSession", s.refresh, nil, &out)
		if err == nil {
			s.set(&out)
			s.logf("bluesky: session of %s refreshed", s.cred.Identifier)
			return s.access, nil
		}
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Status == 0 || ae.Status == http.StatusTooManyRequests || ae.Status >= 500 {
			return "", fmt.Errorf("bluesky: refresh the session of %s at %s: %w", s.cred.Identifier, s.base, err)
		}
		s.logf("bluesky: the refresh token of %s was refused (%s); logging in again", s.cred.Identifier, ae.Code)
	}
	if err := s.login(ctx); err != nil {
		return "", err
	}
	return s.access, nil
}

// login calls createSession. The caller holds s.mu.
func (s *session) login(ctx context.Context) error {
	body := struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}{s.cred.Identifier, string(s.cred.Password)}
	var out sessionOutput
	if err := s.call(ctx, "com.atproto.server.createSession", "", body, &out); err != nil {
		return fmt.Errorf("bluesky: log in as %s at %s: %w%s", s.cred.Identifier, s.base, err, loginHint(err))
	}
	if out.Status != "" && out.Status != "active" {
		s.logf("bluesky: the account %s is %s; post search may refuse it", s.cred.Identifier, out.Status)
	}
	s.set(&out)
	return nil
}

// loginHint says what to do about a refused login.
func loginHint(err error) string {
	var ae *AuthError
	if !errors.As(err, &ae) {
		return ""
	}
	switch {
	case ae.Code == "AuthFactorTokenRequired":
		return " (the account asks for an e-mail sign-in code: use an app password, which needs none)"
	case ae.Code == "AccountTakedown":
		return " (the account is taken down)"
	case ae.Status == http.StatusTooManyRequests:
		return " (createSession allows 30 logins per 5 minutes and 300 per day per account; try again later)"
	case ae.Status == http.StatusUnauthorized || ae.Code == "AuthenticationRequired":
		return " (wrong handle or app password: check $BSKY_HANDLE and the app password, or create a new one in the Bluesky app under Settings → Privacy and security → App passwords)"
	}
	return ""
}

func (s *session) set(out *sessionOutput) {
	s.access, s.refresh, s.did = out.AccessJwt, out.RefreshJwt, out.DID
}

// call POSTs one session procedure with an optional bearer token and JSON
// body, and decodes the session it returns. 5xx and network errors are
// tried sessionAttempts times; a 429 waits Retry-After (or the window's
// reset) when that is at most maxSessionWait. Error texts never hold the
// password or a token (scrub).
func (s *session) call(ctx context.Context, nsid string, bearer Secret, body any, out *sessionOutput) error {
	url := s.base + "/xrpc/" + nsid
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return &AuthError{URL: url, Msg: "encode the request: " + err.Error()}
		}
	}
	for attempt := 1; ; attempt++ {
		ae, wait := s.once(ctx, url, bearer, payload, out)
		if ae == nil {
			return nil
		}
		ae.Msg = s.scrub(ae.Msg)
		if ctx.Err() != nil {
			return fmt.Errorf("POST %s: %w", url, ctx.Err())
		}
		if wait < 0 || attempt >= sessionAttempts {
			return ae
		}
		if wait == 0 {
			wait = sessionBackoff << (attempt - 1)
		}
		s.logf("%v; retry %d/%d in %s", ae, attempt, sessionAttempts-1, wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("POST %s: %w", url, ctx.Err())
		case <-t.C:
		}
	}
}

// once does one session call. wait < 0: do not retry; 0: retry after the
// backoff; > 0: retry after wait.
func (s *session) once(ctx context.Context, url string, bearer Secret, payload []byte, out *sessionOutput) (*AuthError, time.Duration) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, rd)
	if err != nil {
		return &AuthError{URL: url, Msg: err.Error()}, -1
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.ua != "" {
		req.Header.Set("User-Agent", s.ua)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+string(bearer))
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		msg := err.Error()
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) && ue.Unwrap() != nil {
			msg = ue.Unwrap().Error() // the url.Error repeats the URL
		}
		return &AuthError{URL: url, Msg: msg}, 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSessionBody))
	if err != nil {
		return &AuthError{URL: url, Status: resp.StatusCode, Msg: "reading the body: " + err.Error()}, 0
	}
	if resp.StatusCode/100 == 2 {
		if err := decodeSession(b, out); err != nil {
			return &AuthError{URL: url, Status: resp.StatusCode, Msg: err.Error()}, -1
		}
		return nil, 0
	}
	ae := &AuthError{URL: url, Status: resp.StatusCode}
	ae.Code, ae.Msg = xrpcErrorBody(b)
	if ae.Code == "" && ae.Msg == "" {
		ae.Msg = http.StatusText(resp.StatusCode)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		ri := RateHeaders(resp.Header, time.Now())
		wait := ri.RetryAfter
		if !ri.Reset.IsZero() && ri.Remaining == 0 {
			wait = max(wait, time.Until(ri.Reset))
		}
		if wait <= 0 || wait > maxSessionWait {
			if wait > 0 {
				ae.Msg += fmt.Sprintf(" (rate limited for %s more)", wait.Round(time.Second))
			}
			return ae, -1
		}
		return ae, wait
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return ae, 0
	}
	return ae, -1
}

// decodeSession reads a createSession / refreshSession output; both tokens
// and a DID are required.
func decodeSession(b []byte, out *sessionOutput) error {
	*out = sessionOutput{}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("malformed session JSON: %w", err)
	}
	if out.AccessJwt == "" || out.RefreshJwt == "" {
		return errors.New("the session has no accessJwt or refreshJwt")
	}
	if !IsDID(out.DID) {
		return fmt.Errorf("the session names no valid DID (%q)", out.DID)
	}
	return nil
}

// xrpcErrorBody reads {"error": NAME, "message": TEXT}, each cut to 300
// bytes of printable text.
func xrpcErrorBody(b []byte) (code, msg string) {
	var e struct {
		Error   any `json:"error"`
		Message any `json:"message"`
	}
	if json.Unmarshal(b, &e) != nil {
		return "", ""
	}
	str := func(v any) string {
		s, _ := v.(string)
		s = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, s)
		if len(s) > 300 {
			s = strings.ToValidUTF8(s[:300], "") + "…"
		}
		return strings.TrimSpace(s)
	}
	return str(e.Error), str(e.Message)
}

// scrub removes the password and the tokens from a text that came from the
// network, in case a server echoes one.
func (s *session) scrub(msg string) string {
	for _, sec := range []Secret{s.cred.Password, s.access, s.refresh} {
		if len(sec) >= 4 {
			msg = strings.ReplaceAll(msg, string(sec), redacted)
		}
	}
	return msg
}
