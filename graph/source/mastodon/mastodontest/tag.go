package mastodontest

import (
	"net/http"
	"strings"
)

// TagAuth values: how an instance refuses anonymous hashtag timelines.
const (
	// TagAuthPreviewOff is Mastodon ≤ 4.4 with timeline_preview off:
	// 401 {"error":"The access token is invalid"}.
	TagAuthPreviewOff = 401
	// TagAuthRequireUser is Mastodon 4.5 with
	// timelines_access.hashtag_feeds "authenticated": 422 {"error":"This
	// method requires an authenticated user"}.
	TagAuthRequireUser = 422
)

// TagKnows reports whether the instance of domain index d shows status j in
// its hashtag timelines: public, not a boost, written by one of its own
// accounts or by an account one of its accounts follows (federation brings
// it there).
func (s *Server) tagKnows(d, j int) bool {
	st := s.w.Statuses[j]
	if st.Reblog >= 0 {
		return false
	}
	if s.w.Accounts[st.Author].Domain == s.w.Domains[d] {
		return true
	}
	for _, f := range s.x.followers[st.Author] {
		if s.w.Accounts[f.account].Domain == s.w.Domains[d] {
			return true
		}
	}
	return false
}

// tagTimeline is GET /api/v1/timelines/tag/:hashtag: the statuses carrying
// the tag (case-insensitively) that the instance knows, newest first, 20 a
// page (limit up to 40), Link paging by max_id (the links keep only limit,
// as Mastodon's PERMITTED_PARAMS do). A request to Server.URL itself is
// served as the first domain's instance. An unknown tag is [] with 200.
func (s *Server) tagTimeline(w http.ResponseWriter, r *http.Request) {
	v := max(s.hostView(r), 0)
	switch s.w.TagAuth[s.w.Domains[v]] {
	case TagAuthPreviewOff:
		writeJSON(w, http.StatusUnauthorized, jsonError{"The access token is invalid"})
		return
	case TagAuthRequireUser:
		writeJSON(w, http.StatusUnprocessableEntity, jsonError{"This method requires an authenticated user"})
		return
	}
	tag := r.PathValue("hashtag")
	var l []int
	for j := len(s.w.Statuses) - 1; j >= 0; j-- {
		if !s.tagKnows(v, j) {
			continue
		}
		for _, t := range s.w.Statuses[j].Tags {
			if strings.EqualFold(t, tag) {
				l = append(l, j)
				break
			}
		}
	}
	page(s, w, r, 20, len(l),
		func(k int) int64 { return statusRow(v, l[k]) },
		func(k int) jsonStatus { return s.status(v, l[k], 0) })
}
