package xtest

import (
	"encoding/base32"
	"encoding/binary"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var (
	knownUserFields = set("affiliation", "connection_status", "created_at", "description", "entities", "id",
		"location", "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url", "profile_image_url",
		"protected", "public_metrics", "receives_your_dm", "subscription_type", "url", "username", "verified",
		"verified_type", "withheld")
	knownTweetFields = set("article", "attachments", "author_id", "card_uri", "context_annotations",
		"conversation_id", "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids",
		"entities", "geo", "id", "in_reply_to_user_id", "lang", "non_public_metrics", "note_tweet",
		"organic_metrics", "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
		"reply_settings", "scopes", "source", "text", "withheld")
	userExpansions  = set("pinned_tweet_id", "most_recent_tweet_id", "affiliation.user_id")
	tweetExpansions = set("author_id", "in_reply_to_user_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
		"entities.mentions.username", "attachments.poll_ids", "attachments.media_keys", "geo.place_id",
		"edit_history_tweet_ids", "article.cover_media", "article.media_entities")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// query is a request's validated field and expansion lists.
type query struct {
	userFields, tweetFields, expansions map[string]bool
	path                                string
}

// parseQuery rejects parameters the endpoint does not take and unknown
// field or expansion names, as the API does (400 invalid-request).
func parseQuery(r *http.Request, allowed []string, exps map[string]bool) (*query, *problemJSON) {
	vals := r.URL.Query()
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			p := invalid(k, vals.Get(k), "The query parameter ["+k+"] is not one of ["+strings.Join(allowed, ",")+"]")
			return nil, &p
		}
	}
	q := &query{path: r.URL.Path}
	var bad *problemJSON
	list := func(param string, known map[string]bool) map[string]bool {
		m := map[string]bool{}
		for _, v := range vals[param] {
			for _, f := range strings.Split(v, ",") {
				if !known[f] && bad == nil {
					p := invalid(param, f, "The `"+param+"` query parameter value ["+f+"] is not one of the allowed values")
					bad = &p
				}
				m[f] = true
			}
		}
		return m
	}
	q.userFields = list("user.fields", knownUserFields)
	q.tweetFields = list("tweet.fields", knownTweetFields)
	for f := range list("post.fields", knownTweetFields) {
		q.tweetFields[f] = true
	}
	q.expansions = list("expansions", exps)
	return q, bad
}

// pager is a validated max_results and pagination_token.
type pager struct {
	max, off int
	token    string
	path     string
	knobs    *Knobs
}

// page reads max_results (between lo and hi, default def) and
// pagination_token.
func (q *query) page(r *http.Request, lo, hi, def int) (pager, *problemJSON) {
	pg := pager{max: def, path: q.path}
	if s := r.URL.Query().Get("max_results"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			p := invalid("max_results", s, "The `max_results` query parameter value ["+s+"] is not between "+itoa(lo)+" and "+itoa(hi))
			return pg, &p
		}
		pg.max = n
	}
	if tok := r.URL.Query().Get("pagination_token"); tok != "" {
		off, ok := decodeToken(q.path, tok)
		if !ok {
			p := invalid("pagination_token", tok, "The `pagination_token` query parameter value ["+tok+"] is not valid")
			return pg, &p
		}
		pg.off, pg.token = off, tok
	}
	if k := knobsOf(r); k != nil {
		pg.knobs = k
	}
	return pg, nil
}

// slice returns the bounds of the page in a list of n items and its meta.
func (pg pager) slice(n int) (lo, hi int, meta *metaJSON, bad *problemJSON) {
	size := pg.max
	if pg.knobs != nil && pg.knobs.PageSize > 0 {
		size = min(size, pg.knobs.PageSize)
	}
	lo = min(pg.off, n)
	hi = min(lo+size, n)
	meta = &metaJSON{ResultCount: hi - lo}
	if hi < n {
		meta.NextToken = encodeToken(pg.path, hi)
	} else if pg.token != "" && pg.knobs != nil && pg.knobs.RepeatCursor {
		meta.NextToken = pg.token
	}
	if lo > 0 {
		meta.PreviousToken = encodeToken(pg.path, max(lo-size, 0)|prevBit)
	}
	return lo, hi, meta, nil
}

// prevBit marks a previous_token; both kinds decode to an offset.
const prevBit = 1 << 30

var tokenEnc = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// encodeToken makes an opaque token for offset off in the list at path, so
// that a token of one list is rejected by another.
func encodeToken(path string, off int) string {
	var b [8]byte
	binary.BigEndian.PutUint32(b[:4], uint32(off))
	h := fnv.New32a()
	h.Write([]byte(path))
	binary.BigEndian.PutUint32(b[4:], h.Sum32())
	return tokenEnc.EncodeToString(b[:])
}

func decodeToken(path, tok string) (int, bool) {
	b, err := tokenEnc.DecodeString(tok)
	if err != nil || len(b) != 8 {
		return 0, false
	}
	h := fnv.New32a()
	h.Write([]byte(path))
	if binary.BigEndian.Uint32(b[4:]) != h.Sum32() {
		return 0, false
	}
	return int(binary.BigEndian.Uint32(b[:4]) &^ prevBit), true
}

func itoa(n int) string { return strconv.Itoa(n) }
