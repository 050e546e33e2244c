package mastodon

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/clout-cli/clout/graph"
)

// apiAccount is the part of a Mastodon Account entity the crawler reads
// (MDOC entities/Account.md).
type apiAccount struct {
	ID              flexString `json:"id"`
	Username        string     `json:"username"`
	Acct            string     `json:"acct"`
	DisplayName     string     `json:"display_name"`
	URL             string     `json:"url"`
	FollowersCount  *count     `json:"followers_count"`
	FollowingCount  *count     `json:"following_count"`
	StatusesCount   *count     `json:"statuses_count"`
	HideCollections *bool      `json:"hide_collections"`
}

// apiStatus is the part of a Status entity the crawler reads
// (MDOC entities/Status.md).
type apiStatus struct {
	ID                 flexString  `json:"id"`
	URI                string      `json:"uri"`
	CreatedAt          string      `json:"created_at"`
	Content            string      `json:"content"`
	Account            *apiAccount `json:"account"`
	InReplyToID        flexString  `json:"in_reply_to_id"`
	InReplyToAccountID flexString  `json:"in_reply_to_account_id"`
	Reblog             *apiStatus  `json:"reblog"`
	Quote              *apiQuote   `json:"quote"`
	Mentions           []struct {
		ID   flexString `json:"id"`
		Acct string     `json:"acct"`
	} `json:"mentions"`
	Tags []struct {
		Name string `json:"name"`
	} `json:"tags"`
}

// apiQuote is a Quote (4.4+). A ShallowQuote carries quoted_status_id instead
// of quoted_status and yields no edge.
type apiQuote struct {
	State        string     `json:"state"`
	QuotedStatus *apiStatus `json:"quoted_status"`
}

// apiContext is the answer of GET /api/v1/statuses/:id/context.
type apiContext struct {
	Descendants []apiStatus `json:"descendants"`
}

// flexString is an id: a JSON string, or a number from forks that send one,
// or null ("").
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// count is a reported count; absent (nil), null, negative or non-integer
// values are graph.Unknown.
type count int64

func (c *count) value() int64 {
	if c == nil {
		return graph.Unknown
	}
	return int64(*c)
}

func (c *count) UnmarshalJSON(b []byte) error {
	*c = count(graph.Unknown)
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil || n == "" {
		// null, a string, a bool: not a count, but not a reason to drop the page.
		return nil
	}
	if v, err := strconv.ParseInt(n.String(), 10, 64); err == nil && v >= 0 {
		*c = count(v)
	}
	return nil
}

// parseTime reads a Mastodon datetime (RFC 3339, 0–6 fractional digits);
// anything else is the zero time, "unknown".
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
