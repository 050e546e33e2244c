package blueskytest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The fake PDS's session methods (lexicons/com/atproto/server/
// createSession.json, refreshSession.json) and the access check of
// searchPosts, with the error shapes of the reference PDS (atproto
// packages/pds/src/auth-verifier.ts): no token → 401 AuthMissing; an
// expired access token → 400 ExpiredToken "Token has expired"; a refresh
// token where an access token belongs (or the reverse), or an unknown
// token → 400 InvalidToken; wrong password → 401 AuthenticationRequired
// "Invalid identifier or password".

// procedures are the methods served by POST.
var procedures = map[string]bool{
	"com.atproto.server.createSession":  true,
	"com.atproto.server.refreshSession": true,
}

// Auth configures the fake PDS's one account that can log in.
type Auth struct {
	// Identifier is the handle (or DID) that logs in; it is matched
	// case-insensitively, '@' dropped. Default DefaultIdentifier.
	Identifier string
	// Password is its app password; default DefaultPassword.
	Password string
	// AccessUses > 0 makes every access token expire after that many
	// authenticated requests, forcing refreshes mid-crawl.
	AccessUses int
	// RevokeRefresh makes refreshSession refuse every refresh token
	// (400 ExpiredToken), so that the client must log in again.
	RevokeRefresh bool
}

// The default credentials of the fake PDS. The password is a recognisable
// string so that tests can search output and files for it.
const (
	DefaultIdentifier = "searcher.test"
	DefaultPassword   = "abcd-efgh-SECRET-ijkl"
)

// authState is the server's session bookkeeping (guarded by Server.mu).
type authState struct {
	cfg       Auth
	n         int             // tokens issued
	access    map[string]int  // live access token → uses left (-1: unlimited)
	refresh   map[string]bool // live refresh token
	issued    []string        // every token ever issued
	leaked    map[string]int  // non-search methods that got an Authorization header
	logins    int
	refreshes int
}

func (a *authState) init() {
	a.cfg = Auth{}
	a.access, a.refresh, a.leaked = map[string]int{}, map[string]bool{}, map[string]int{}
}

// SetAuth replaces the PDS's account and token rules; live tokens stay.
func (s *Server) SetAuth(a Auth) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth.cfg = a
}

// Logins returns how many createSession calls succeeded.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth.logins
}

// Refreshes returns how many refreshSession calls succeeded.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth.refreshes
}

// Tokens returns every access and refresh token issued so far.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auth.issued...)
}

// Leaked returns, per method, how many requests other than searchPosts and
// the session methods carried an Authorization header: the public AppView
// must never be sent a token.
func (s *Server) Leaked() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.auth.leaked {
		out[k] = v
	}
	return out
}

func (a *Auth) identifier() string {
	if a.Identifier == "" {
		return DefaultIdentifier
	}
	return a.Identifier
}

func (a *Auth) password() string {
	if a.Password == "" {
		return DefaultPassword
	}
	return a.Password
}

// did is the logged-in account's DID: the world's account of that handle,
// else a DID made from the identifier.
func (s *Server) loginDID(id string) string {
	if i, ok := s.x.actor(id); ok {
		return s.x.w.Accounts[i].DID
	}
	h := sha256.Sum256([]byte(id))
	return "did:plc:" + strings.ToLower(base64.RawURLEncoding.EncodeToString(h[:]))[:24]
}

// jwt returns a token that looks like the PDS's (three base64url parts),
// unique per issue. The caller holds s.mu.
func (s *Server) jwt(scope, did string) string {
	s.auth.n++
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"at+jwt","alg":"ES256K"}`))
	body, _ := json.Marshal(obj{"scope": scope, "sub": did, "aud": "did:web:fake.pds", "jti": s.auth.n})
	sig := sha256.Sum256(fmt.Appendf(nil, "fake-pds-key %s %d", scope, s.auth.n))
	tok := head + "." + base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(sig[:])
	s.auth.issued = append(s.auth.issued, tok)
	return tok
}

// issue creates a new session pair. The caller holds s.mu.
func (s *Server) issue(did string) obj {
	access := s.jwt("com.atproto.appPass", did)
	refresh := s.jwt("com.atproto.refresh", did)
	uses := -1
	if s.auth.cfg.AccessUses > 0 {
		uses = s.auth.cfg.AccessUses
	}
	s.auth.access[access] = uses
	s.auth.refresh[refresh] = true
	handle := s.auth.cfg.identifier()
	if i, ok := s.x.actor(strings.TrimPrefix(handle, "@")); ok {
		handle = s.x.w.Accounts[i].Handle
	}
	return obj{
		"accessJwt": access, "refreshJwt": refresh, "handle": handle, "did": did,
		"didDoc": obj{
			"@context": []string{"https://www.w3.org/ns/did/v1"},
			"id":       did,
			"service":  []any{obj{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": s.URL}},
		},
		"email": "searcher@example.com", "emailConfirmed": true, "emailAuthFactor": false, "active": true,
	}
}

func (s *Server) createSession(r *http.Request) (any, *xrpcError) {
	var in struct {
		Identifier *string `json:"identifier"`
		Password   *string `json:"password"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if json.Unmarshal(b, &in) != nil {
		return nil, invalid("Invalid request body")
	}
	if in.Identifier == nil || in.Password == nil {
		return nil, invalid(`Input must have the property "identifier" and "password"`)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.auth.cfg
	id := strings.TrimPrefix(strings.ToLower(*in.Identifier), "@")
	if id != strings.ToLower(want.identifier()) || *in.Password != want.password() {
		return nil, &xrpcError{http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password"}
	}
	s.auth.logins++
	return s.issue(s.loginDID(want.identifier())), nil
}

// bearer returns the request's bearer token, "" if none.
func bearer(r *http.Request) string {
	t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(t)
}

func (s *Server) refreshSession(r *http.Request) (any, *xrpcError) {
	tok := bearer(r)
	if tok == "" {
		return nil, &xrpcError{http.StatusUnauthorized, "AuthMissing", "Authentication Required"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.auth.access[tok]; ok {
		return nil, &xrpcError{http.StatusBadRequest, "InvalidToken", "Invalid token type"}
	}
	if !s.auth.refresh[tok] {
		return nil, &xrpcError{http.StatusBadRequest, "InvalidToken", "Token could not be verified"}
	}
	if s.auth.cfg.RevokeRefresh {
		return nil, &xrpcError{http.StatusBadRequest, "ExpiredToken", "Token has been revoked"}
	}
	delete(s.auth.refresh, tok) // rotated
	s.auth.refreshes++
	return s.issue(s.loginDID(s.auth.cfg.identifier())), nil
}

// checkAccess verifies an access token and spends one of its uses.
func (s *Server) checkAccess(r *http.Request) *xrpcError {
	tok := bearer(r)
	if tok == "" {
		return &xrpcError{http.StatusUnauthorized, "AuthMissing", "Authentication Required"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.auth.refresh[tok] {
		return &xrpcError{http.StatusBadRequest, "InvalidToken", "Invalid token type"}
	}
	uses, ok := s.auth.access[tok]
	switch {
	case !ok:
		return &xrpcError{http.StatusBadRequest, "InvalidToken", "Token could not be verified"}
	case uses == 0:
		return &xrpcError{http.StatusBadRequest, "ExpiredToken", "Token has expired"}
	case uses > 0:
		s.auth.access[tok] = uses - 1
	}
	return nil
}

// ExpireTokens makes every access token issued so far expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.auth.access {
		s.auth.access[k] = 0
	}
}
