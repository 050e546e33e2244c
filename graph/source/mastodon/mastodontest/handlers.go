package mastodontest

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// hostView returns the domain index named by the request's Host, or -1 when
// the request came to Server.URL itself.
func (s *Server) hostView(r *http.Request) int {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return s.w.domainIndex(strings.ToLower(h))
}

// linkBase is the scheme and host the server writes into Link headers: the
// instance's https URL, or the test server's own.
func (s *Server) linkBase(r *http.Request) string {
	if s.hostView(r) >= 0 {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, jsonError{"Record not found"})
}

// accountParam reads the {id} of an account path: the instance it belongs to
// and the account. A Host-routed request only sees its own instance's ids.
func (s *Server) accountParam(r *http.Request) (v, i int, ok bool) {
	v, i, ok = parseAccountID(r.PathValue("id"))
	if !ok || v < 0 || v >= len(s.w.Domains) || i >= len(s.w.Accounts) {
		return 0, 0, false
	}
	if hv := s.hostView(r); hv >= 0 && hv != v {
		return 0, 0, false
	}
	return v, i, true
}

func (s *Server) statusParam(r *http.Request) (v, j int, ok bool) {
	v, j, ok = parseStatusID(r.PathValue("id"))
	if !ok || v < 0 || v >= len(s.w.Domains) || j >= len(s.w.Statuses) {
		return 0, 0, false
	}
	if hv := s.hostView(r); hv >= 0 && hv != v {
		return 0, 0, false
	}
	return v, j, true
}

// lookup is GET /api/v1/accounts/lookup?acct=. On a Host-routed request the
// instance is the Host; on Server.URL the acct must name the domain, and the
// answer is the account's home instance's.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	acct := strings.TrimPrefix(r.URL.Query().Get("acct"), "@")
	user, domain, hasDomain := strings.Cut(acct, "@")
	v := s.hostView(r)
	if !hasDomain {
		if v < 0 {
			notFound(w)
			return
		}
		domain = s.w.Domains[v]
	}
	domain = strings.ToLower(domain)
	for i, a := range s.w.Accounts {
		if strings.EqualFold(a.Username, user) && a.Domain == domain {
			if v < 0 {
				v = s.w.domainIndex(domain)
			}
			writeJSON(w, http.StatusOK, s.account(v, i))
			return
		}
	}
	notFound(w)
}

func (s *Server) accountByID(w http.ResponseWriter, r *http.Request) {
	v, i, ok := s.accountParam(r)
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.account(v, i))
}

func (s *Server) statusByID(w http.ResponseWriter, r *http.Request) {
	v, j, ok := s.statusParam(r)
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.status(v, j, 0))
}

// limit is Mastodon's limit_param: the default when absent, else
// min(|limit|, 2 × default).
func limit(r *http.Request, def int) int {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	if n < 0 {
		n = -n
	}
	return min(n, 2*def)
}

// maxID reads max_id: items with a row id below it; none given: no bound.
func maxID(r *http.Request) (int64, bool) {
	v := r.URL.Query().Get("max_id")
	if v == "" {
		return 1 << 62, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// page writes one page of a newest-first list, whose row ids (id(k)) descend, with Mastodon's Link header: rel="next" (max_id = last row id)
// only when the page is full, rel="prev" (min_id = first row id) when it is
// not empty.
func page[T any](s *Server, w http.ResponseWriter, r *http.Request, def int, n int, id func(k int) int64, item func(k int) T) {
	lim := limit(r, def)
	bound, ok := maxID(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, jsonError{"Invalid max_id"})
		return
	}
	out := []T{}
	var first, last int64
	for k := 0; k < n && len(out) < lim; k++ {
		rid := id(k)
		if rid >= bound {
			continue
		}
		if len(out) == 0 {
			first = rid
		}
		last = rid
		out = append(out, item(k))
	}
	var links []string
	u := *r.URL
	base := s.linkBase(r)
	if len(out) > 0 && len(out) == lim {
		q := url.Values{}
		if r.URL.Query().Has("limit") {
			q.Set("limit", r.URL.Query().Get("limit"))
		}
		q.Set("max_id", strconv.FormatInt(last, 10))
		links = append(links, "<"+base+u.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	if len(out) > 0 {
		q := url.Values{}
		if r.URL.Query().Has("limit") {
			q.Set("limit", r.URL.Query().Get("limit"))
		}
		q.Set("min_id", strconv.FormatInt(first, 10))
		links = append(links, "<"+base+u.Path+"?"+q.Encode()+`>; rel="prev"`)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, out)
}

// followList serves followers or following of account i as instance v has
// them: complete on the account's home instance, only v's own accounts
// elsewhere (remote lists are partial), [] if the owner hides them.
func (s *Server) followList(w http.ResponseWriter, r *http.Request, lists [][]row) {
	v, i, ok := s.accountParam(r)
	if !ok {
		notFound(w)
		return
	}
	a := s.w.Accounts[i]
	var rows []row
	if !a.HideCollections && !a.LegacyHidden {
		for _, x := range lists[i] {
			if a.Domain == s.w.Domains[v] || s.w.Accounts[x.account].Domain == s.w.Domains[v] {
				rows = append(rows, x)
			}
		}
	}
	page(s, w, r, 40, len(rows),
		func(k int) int64 { return int64(rows[k].id) },
		func(k int) jsonAccount { return s.account(v, rows[k].account) })
}

func (s *Server) followers(w http.ResponseWriter, r *http.Request) { s.followList(w, r, s.x.followers) }
func (s *Server) following(w http.ResponseWriter, r *http.Request) { s.followList(w, r, s.x.following) }

func (s *Server) statuses(w http.ResponseWriter, r *http.Request) {
	v, i, ok := s.accountParam(r)
	if !ok {
		notFound(w)
		return
	}
	l := s.x.statuses[i]
	page(s, w, r, 20, len(l),
		func(k int) int64 { return statusRow(v, l[k]) },
		func(k int) jsonStatus { return s.status(v, l[k], 0) })
}

func (s *Server) rebloggedBy(w http.ResponseWriter, r *http.Request) {
	v, j, ok := s.statusParam(r)
	if !ok {
		notFound(w)
		return
	}
	l := s.x.reblogs[j]
	page(s, w, r, 40, len(l),
		func(k int) int64 { return statusRow(v, l[k]) },
		func(k int) jsonAccount { return s.account(v, s.w.Statuses[l[k]].Author) })
}

func (s *Server) favouritedBy(w http.ResponseWriter, r *http.Request) {
	v, j, ok := s.statusParam(r)
	if !ok {
		notFound(w)
		return
	}
	l := s.x.favourites[j]
	page(s, w, r, 40, len(l),
		func(k int) int64 { return int64(l[k].id) },
		func(k int) jsonAccount { return s.account(v, l[k].account) })
}

// context is GET /api/v1/statuses/:id/context with the anonymous caps: 40
// ancestors, 60 descendants.
func (s *Server) context(w http.ResponseWriter, r *http.Request) {
	v, j, ok := s.statusParam(r)
	if !ok {
		notFound(w)
		return
	}
	c := jsonContext{Ancestors: []jsonStatus{}, Descendants: []jsonStatus{}}
	var anc []jsonStatus
	for p := s.w.Statuses[j].InReplyTo; p >= 0 && len(anc) < 40; p = s.w.Statuses[p].InReplyTo {
		anc = append(anc, s.status(v, p, 0))
	}
	for k := len(anc) - 1; k >= 0; k-- {
		c.Ancestors = append(c.Ancestors, anc[k])
	}
	for _, d := range s.x.descendants(j, 60) {
		c.Descendants = append(c.Descendants, s.status(v, d, 0))
	}
	writeJSON(w, http.StatusOK, c)
}

func statusRow(v, j int) int64 {
	n, _ := strconv.ParseInt(StatusID(v, j), 10, 64)
	return n
}
