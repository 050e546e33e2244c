package xtest

import (
	"net/http"
	"regexp"
	"strings"
)

// handler answers one endpoint: a status and a JSON value.
type handler func(v *view, r *http.Request, arg string) (int, any)

// endpoint is a matched route.
type endpoint struct {
	class string
	arg   string // the :id or :username of the path
	h     handler
}

func (e endpoint) serve(v *view, r *http.Request) (int, any) { return e.h(v, r, e.arg) }

// route matches the API's paths. Unknown paths get the API's legacy 404.
func route(path string) endpoint {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) < 2 || seg[0] != "2" {
		return endpoint{class: ClassUsers, h: notFound}
	}
	switch {
	case seg[1] == "users" && len(seg) == 2:
		return endpoint{ClassUsers, "", usersByIDs}
	case seg[1] == "users" && len(seg) == 5 && seg[2] == "by" && seg[3] == "username":
		return endpoint{ClassUsers, seg[4], userByName}
	case seg[1] == "users" && len(seg) == 3:
		return endpoint{ClassUsers, seg[2], userByID}
	case seg[1] == "users" && len(seg) == 4 && seg[3] == "followers":
		return endpoint{ClassFollows, seg[2], followers}
	case seg[1] == "users" && len(seg) == 4 && seg[3] == "following":
		return endpoint{ClassFollows, seg[2], following}
	case seg[1] == "users" && len(seg) == 4 && seg[3] == "tweets":
		return endpoint{ClassTimeline, seg[2], userTweets}
	case seg[1] == "tweets" && len(seg) == 4 && seg[3] == "retweeted_by":
		return endpoint{ClassEngagement, seg[2], retweetedBy}
	case seg[1] == "tweets" && len(seg) == 4 && seg[3] == "quote_tweets":
		return endpoint{ClassEngagement, seg[2], quoteTweets}
	case seg[1] == "tweets" && len(seg) == 4 && seg[2] == "search" && seg[3] == "recent":
		return endpoint{ClassSearch, "", searchRecent}
	case seg[1] == "tweets" && len(seg) == 4 && seg[3] == "liking_users":
		return endpoint{ClassEngagement, seg[2], likingUsers}
	}
	return endpoint{class: ClassUsers, h: notFound}
}

func notFound(*view, *http.Request, string) (int, any) {
	return http.StatusNotFound, map[string]any{"errors": []map[string]any{{"message": "Sorry, that page does not exist", "code": 34}}}
}

var (
	idRE       = regexp.MustCompile(`^[0-9]{1,19}$`)
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)
)

// Query parameters each kind of endpoint accepts.
var (
	lookupParams   = []string{"user.fields", "expansions", "tweet.fields", "post.fields"}
	idsParams      = []string{"ids", "user.fields", "expansions", "tweet.fields", "post.fields"}
	followParams   = []string{"max_results", "pagination_token", "user.fields", "expansions", "tweet.fields", "post.fields"}
	timelineParams = []string{"max_results", "pagination_token", "since_id", "until_id", "start_time", "end_time", "exclude", "tweet.fields", "post.fields", "expansions", "user.fields", "media.fields", "place.fields", "poll.fields"}
	rtByParams     = []string{"max_results", "pagination_token", "user.fields", "expansions", "tweet.fields", "post.fields"}
	quoteParams    = []string{"max_results", "pagination_token", "exclude", "tweet.fields", "post.fields", "expansions", "user.fields", "media.fields", "place.fields", "poll.fields"}
)

func userByID(v *view, r *http.Request, id string) (int, any) {
	q, bad := parseQuery(r, lookupParams, userExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if !idRE.MatchString(id) {
		return http.StatusBadRequest, invalid("id", id, "The `id` query parameter value ["+id+"] does not match ^[0-9]{1,19}$")
	}
	u := v.users[id]
	if u == nil {
		return http.StatusOK, responseJSON{Errors: []problemJSON{notFoundItem("user", "id", id)}}
	}
	return http.StatusOK, responseJSON{Data: v.userJSON(u, q.userFields)}
}

func userByName(v *view, r *http.Request, name string) (int, any) {
	q, bad := parseQuery(r, lookupParams, userExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if !usernameRE.MatchString(name) {
		return http.StatusBadRequest, invalid("username", name, "The `username` query parameter value ["+name+"] does not match ^[A-Za-z0-9_]{1,15}$")
	}
	u := v.byName[strings.ToLower(name)]
	if u == nil {
		return http.StatusOK, responseJSON{Errors: []problemJSON{notFoundItem("user", "username", name)}}
	}
	return http.StatusOK, responseJSON{Data: v.userJSON(u, q.userFields)}
}

func usersByIDs(v *view, r *http.Request, _ string) (int, any) {
	q, bad := parseQuery(r, idsParams, userExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	raw := r.URL.Query().Get("ids")
	if raw == "" {
		return http.StatusBadRequest, invalid("ids", "", "The `ids` query parameter can not be empty")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 100 {
		return http.StatusBadRequest, invalid("ids", raw, "The number of values in the `ids` query parameter list ["+itoa(len(ids))+"] is not between 1 and 100")
	}
	var data []userJSON
	var errs []problemJSON
	for _, id := range ids {
		if !idRE.MatchString(id) {
			return http.StatusBadRequest, invalid("ids", id, "The `ids` query parameter value ["+id+"] does not match ^[0-9]{1,19}$")
		}
		if u := v.users[id]; u != nil {
			data = append(data, v.userJSON(u, q.userFields))
		} else {
			errs = append(errs, notFoundItem("user", "ids", id))
		}
	}
	resp := responseJSON{Errors: errs}
	if len(data) > 0 {
		resp.Data = data
	}
	return http.StatusOK, resp
}

// subjectUser checks the account of a list endpoint: a 400 for a malformed
// id, a 200 with errors[] for an unknown or protected one.
func subjectUser(v *view, id string) (*User, int, any) {
	if !idRE.MatchString(id) {
		return nil, http.StatusBadRequest, invalid("id", id, "The `id` query parameter value ["+id+"] does not match ^[0-9]{1,19}$")
	}
	u := v.users[id]
	if u == nil {
		return nil, http.StatusOK, responseJSON{Errors: []problemJSON{notFoundItem("user", "id", id)}}
	}
	if u.Protected {
		return nil, http.StatusOK, responseJSON{Errors: []problemJSON{{
			Value: id, Detail: "Sorry, you are not authorized to see the user with id: [" + id + "].",
			Title: "Authorization Error", ResourceType: "user", Parameter: "id", ResourceID: id,
			Type: problemBase + "not-authorized-for-resource",
		}}}
	}
	return u, 0, nil
}

func followers(v *view, r *http.Request, id string) (int, any) {
	return userList(v, r, id, v.followers)
}

func following(v *view, r *http.Request, id string) (int, any) {
	return userList(v, r, id, v.following)
}

func userList(v *view, r *http.Request, id string, lists map[string][]*User) (int, any) {
	q, bad := parseQuery(r, followParams, userExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	pg, bad := q.page(r, 1, 1000, 100)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if _, st, resp := subjectUser(v, id); resp != nil {
		return st, resp
	}
	list := lists[id]
	lo, hi, meta, bad := pg.slice(len(list))
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	var data []userJSON
	for _, u := range list[lo:hi] {
		data = append(data, v.userJSON(u, q.userFields))
	}
	resp := responseJSON{Meta: meta}
	if len(data) > 0 {
		resp.Data = data
	}
	return http.StatusOK, resp
}

func userTweets(v *view, r *http.Request, id string) (int, any) {
	q, bad := parseQuery(r, timelineParams, tweetExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	pg, bad := q.page(r, 5, 100, 10)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if _, st, resp := subjectUser(v, id); resp != nil {
		return st, resp
	}
	return tweetPage(v, q, pg, v.timeline[id])
}

// tweetPage serves one page of ts with its includes and partial errors.
func tweetPage(v *view, q *query, pg pager, ts []*Tweet) (int, any) {
	lo, hi, meta, bad := pg.slice(len(ts))
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	ts = ts[lo:hi]
	if len(ts) > 0 {
		meta.NewestID, meta.OldestID = ts[0].ID, ts[len(ts)-1].ID
	}
	resp := responseJSON{Meta: meta}
	if len(ts) == 0 {
		return http.StatusOK, resp
	}
	data := make([]tweetJSON, len(ts))
	for i, t := range ts {
		data[i] = v.tweetJSON(t, q.tweetFields)
	}
	resp.Data = data
	x := v.expand(ts, q.expansions)
	inc := &includesJSON{}
	for _, u := range x.users {
		inc.Users = append(inc.Users, v.userJSON(u, q.userFields))
	}
	for _, t := range x.tweets {
		inc.Tweets = append(inc.Tweets, v.tweetJSON(t, q.tweetFields))
	}
	if len(inc.Users)+len(inc.Tweets) > 0 {
		resp.Includes = inc
	}
	for _, t := range x.missing {
		if t.Deleted {
			resp.Errors = append(resp.Errors, notFoundItem("tweet", "referenced_tweets.id", t.ID))
			continue
		}
		resp.Errors = append(resp.Errors, problemJSON{
			Value: t.ID, Detail: "Sorry, you are not authorized to see the Tweet with referenced_tweets.id: [" + t.ID + "].",
			Title: "Authorization Error", ResourceType: "tweet", Parameter: "referenced_tweets.id", ResourceID: t.ID,
			Type: problemBase + "not-authorized-for-resource",
		})
	}
	for _, id := range x.unknown {
		resp.Errors = append(resp.Errors, notFoundItem("tweet", "referenced_tweets.id", id))
	}
	return http.StatusOK, resp
}

// subjectTweet checks the post of an engagement endpoint.
func subjectTweet(v *view, id string) (*Tweet, int, any) {
	if !idRE.MatchString(id) {
		return nil, http.StatusBadRequest, invalid("id", id, "The `id` query parameter value ["+id+"] does not match ^[0-9]{1,19}$")
	}
	t := v.tweets[id]
	if !v.visible(t) {
		return nil, http.StatusOK, responseJSON{Errors: []problemJSON{notFoundItem("tweet", "id", id)}}
	}
	return t, 0, nil
}

func retweetedBy(v *view, r *http.Request, id string) (int, any) {
	q, bad := parseQuery(r, rtByParams, userExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	pg, bad := q.page(r, 1, 100, 100)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if _, st, resp := subjectTweet(v, id); resp != nil {
		return st, resp
	}
	list := v.rtBy[id]
	lo, hi, meta, bad := pg.slice(len(list))
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	resp := responseJSON{Meta: meta}
	var data []userJSON
	for _, u := range list[lo:hi] {
		data = append(data, v.userJSON(u, q.userFields))
	}
	if len(data) > 0 {
		resp.Data = data
	}
	return http.StatusOK, resp
}

func quoteTweets(v *view, r *http.Request, id string) (int, any) {
	q, bad := parseQuery(r, quoteParams, tweetExpansions)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	pg, bad := q.page(r, 10, 100, 10)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	if _, st, resp := subjectTweet(v, id); resp != nil {
		return st, resp
	}
	return tweetPage(v, q, pg, v.quotes[id])
}

func likingUsers(*view, *http.Request, string) (int, any) {
	return http.StatusForbidden, problemJSON{
		Title:  "Unsupported Authentication",
		Detail: "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
		Type:   problemBase + "unsupported-authentication",
		Status: 403,
	}
}

func notFoundItem(resourceType, param, value string) problemJSON {
	what := "user"
	if resourceType == "tweet" {
		what = "tweet"
	}
	return problemJSON{
		Value: value, Detail: "Could not find " + what + " with " + param + ": [" + value + "].",
		Title: "Not Found Error", ResourceType: resourceType, Parameter: param, ResourceID: value,
		Type: problemBase + "resource-not-found",
	}
}

func invalid(param, value, msg string) problemJSON {
	return problemJSON{
		Errors: []invalidParamJSON{{Parameters: map[string][]string{param: {value}}, Message: msg}},
		Title:  "Invalid Request",
		Detail: "One or more parameters to your request was invalid.",
		Type:   problemBase + "invalid-request",
	}
}
