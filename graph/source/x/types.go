package x

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// envelope is an X API v2 response: data (an object or an array), the
// expansions in includes, meta with the pagination token, and errors[]
// (partial errors on a 200, or the errors of a failed request). The
// top-level problem fields are set when the body is itself a problem.
type envelope struct {
	Data     json.RawMessage `json:"data"`
	Includes includes        `json:"includes"`
	Meta     meta            `json:"meta"`
	Errors   []problem       `json:"errors"`
	problem
}

// includes holds the expanded objects. The newest generated spec renames
// tweets to posts; both are read.
type includes struct {
	Users  []user  `json:"users"`
	Tweets []tweet `json:"tweets"`
	Posts  []tweet `json:"posts"`
}

type meta struct {
	ResultCount   json.RawMessage `json:"result_count"`
	NextToken     string          `json:"next_token"`
	PreviousToken string          `json:"previous_token"`
}

// problem is an RFC 7807-style X problem (type, title, detail, status), a
// partial error (with resource_id, resource_type, parameter), or a legacy
// v1.1 error (code, message).
type problem struct {
	Type         string          `json:"type"`
	Title        string          `json:"title"`
	Detail       string          `json:"detail"`
	Status       json.RawMessage `json:"status"`
	ResourceID   string          `json:"resource_id"`
	ResourceType string          `json:"resource_type"`
	Parameter    string          `json:"parameter"`
	Code         json.RawMessage `json:"code"`
	Message      string          `json:"message"`
}

// kind is the last path segment of the problem type URI, e.g.
// "resource-not-found" for https://api.x.com/2/problems/resource-not-found.
func (p *problem) kind() string {
	t := strings.TrimRight(p.Type, "/")
	if i := strings.LastIndexByte(t, '/'); i >= 0 {
		t = t[i+1:]
	}
	if t == "about:blank" {
		return ""
	}
	return t
}

// user is a v2 User object.
type user struct {
	ID            id       `json:"id"`
	Name          string   `json:"name"`
	Username      string   `json:"username"`
	Protected     bool     `json:"protected"`
	PublicMetrics *metrics `json:"public_metrics"`
}

type metrics struct {
	Followers *int64 `json:"followers_count"`
	Following *int64 `json:"following_count"`
	Tweets    *int64 `json:"tweet_count"`
}

// tweet is a v2 Tweet (Post) object, with the fields the edge recipe reads.
type tweet struct {
	ID              id        `json:"id"`
	Text            string    `json:"text"`
	AuthorID        id        `json:"author_id"`
	CreatedAt       string    `json:"created_at"`
	InReplyToUserID id        `json:"in_reply_to_user_id"`
	Referenced      []ref     `json:"referenced_tweets"`
	ReferencedPosts []ref     `json:"referenced_posts"`
	Entities        *entities `json:"entities"`
}

// refs returns the tweet's references under either spelling.
func (t *tweet) refs() []ref {
	if len(t.Referenced) > 0 {
		return t.Referenced
	}
	return t.ReferencedPosts
}

// ref is one referenced_tweets item: type retweeted, quoted or replied_to.
type ref struct {
	Type string `json:"type"`
	ID   id     `json:"id"`
}

type entities struct {
	Mentions []mention `json:"mentions"`
	Hashtags []hashtag `json:"hashtags"`
}

// mention is a mention entity; Start is the offset in the text (inclusive),
// nil when absent; ID is absent in some payloads.
type mention struct {
	Start    *int   `json:"start"`
	Username string `json:"username"`
	ID       id     `json:"id"`
}

type hashtag struct {
	Tag string `json:"tag"`
}

// id is an X id as written: the API sends ids as strings, but a number is
// accepted and kept digit for digit (never read through a float64).
type id string

func (v *id) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = id(s)
		return nil
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return fmt.Errorf("id %.40s is neither a string nor an integer", b)
		}
	}
	*v = id(b)
	return nil
}

// validID reports whether s is an X id: 1 to 19 decimal digits.
func validID(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
