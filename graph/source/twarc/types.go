package twarc

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// obj is the union of the v1.1 and v2 tweet and user fields the importer
// reads. Both APIs and all twarc shapes share it so that a line is decoded in
// one pass, whatever it turns out to be; absent fields stay zero.
type obj struct {
	// Identity. v1.1 writes id as a number wider than a float64 mantissa
	// and the exact value in id_str; v2 writes id as a string.
	ID    flexID `json:"id"`
	IDStr string `json:"id_str"`

	// User fields.
	Username      string   `json:"username"`    // v2
	ScreenName    string   `json:"screen_name"` // v1.1
	Name          string   `json:"name"`
	PublicMetrics *metrics `json:"public_metrics"` // v2
	Followers     count    `json:"followers_count"`
	Friends       count    `json:"friends_count"`
	Statuses      count    `json:"statuses_count"`

	// Tweet fields.
	Text      tweetText `json:"text"`
	FullText  tweetText `json:"full_text"`
	CreatedAt string    `json:"created_at"`
	Entities  *entities `json:"entities"`

	// v1.1 tweet.
	User               *obj   `json:"user"`
	RetweetedStatus    *obj   `json:"retweeted_status"`
	QuotedStatus       *obj   `json:"quoted_status"`
	InReplyToUserIDStr string `json:"in_reply_to_user_id_str"`
	InReplyToName      string `json:"in_reply_to_screen_name"`
	ExtendedTweet      *struct {
		FullText tweetText `json:"full_text"`
		Entities *entities `json:"entities"`
	} `json:"extended_tweet"`
	InReplyToStatusIDStr string `json:"in_reply_to_status_id_str"`
	InReplyToStatusID    flexID `json:"in_reply_to_status_id"`
	QuotedStatusIDStr    string `json:"quoted_status_id_str"`

	// v2 tweet; Author, InReplyToUser and the referenced tweets' bodies are
	// inlined by twarc2 flatten.
	AuthorID         string `json:"author_id"`
	Author           *obj   `json:"author"`
	InReplyToUserID  flexID `json:"in_reply_to_user_id"` // a number in v1.1
	InReplyToUser    *obj   `json:"in_reply_to_user"`
	ReferencedTweets []obj  `json:"referenced_tweets"`
	// NoteTweet holds the full text of a v2 long tweet (text is then
	// truncated).
	NoteTweet *struct {
		Text tweetText `json:"text"`
	} `json:"note_tweet"`
	// Type is the reference type of a referenced_tweets item: retweeted,
	// quoted or replied_to.
	Type string `json:"type"`

	// Start is a v2 mention entity's offset in the text.
	Start count `json:"start"`
}

// key is the object's id as a string: id_str, else the digits of id.
func (o *obj) key() string {
	if o == nil {
		return ""
	}
	if o.IDStr != "" {
		return o.IDStr
	}
	return string(o.ID)
}

// handle is a user's username (v2) or screen_name (v1.1).
func (o *obj) handle() string {
	if o.Username != "" {
		return o.Username
	}
	return o.ScreenName
}

// isTweet reports whether o has a tweet's text.
func (o *obj) isTweet() bool { return o.Text.set || o.FullText.set }

// entities holds the mention and hashtag entities of v1.1 (user_mentions,
// hashtags[].text) and v2 (mentions, hashtags[].tag).
type entities struct {
	UserMentions []obj     `json:"user_mentions"`
	Mentions     []obj     `json:"mentions"`
	Hashtags     []hashtag `json:"hashtags"`
}

type hashtag struct {
	Text string `json:"text"` // v1.1
	Tag  string `json:"tag"`  // v2
}

// metrics is a v2 user's public_metrics.
type metrics struct {
	Followers count `json:"followers_count"`
	Following count `json:"following_count"`
	Tweets    count `json:"tweet_count"`
}

// includes is a v2 page's expansions. Only users and tweets name accounts.
type includes struct {
	Users  []obj `json:"users"`
	Tweets []obj `json:"tweets"`
}

// twarcMeta is the "__twarc" object twarc2 adds to every page it writes.
type twarcMeta struct {
	URL string `json:"url"`
}

// envelope holds everything of a line except "data", whose type differs
// between pages (array) and stream lines (object). The embedded obj holds the
// fields of v1.1 tweets and of flattened tweets and users.
type envelope struct {
	obj
	Includes      *includes  `json:"includes"`
	Meta          present    `json:"meta"`
	Errors        present    `json:"errors"`
	MatchingRules present    `json:"matching_rules"`
	Twarc         *twarcMeta `json:"__twarc"`

	// v1.1 streaming API notices.
	Limit          present `json:"limit"`
	Delete         present `json:"delete"`
	ScrubGeo       present `json:"scrub_geo"`
	Warning        present `json:"warning"`
	Disconnect     present `json:"disconnect"`
	StatusWithheld present `json:"status_withheld"`
	UserWithheld   present `json:"user_withheld"`
}

// isNotice reports whether the line is a v1.1 streaming notice.
func (e *envelope) isNotice() bool {
	return bool(e.Limit || e.Delete || e.ScrubGeo || e.Warning || e.Disconnect || e.StatusWithheld || e.UserWithheld)
}

// pageLine is a line decoded with "data" as an array (twarc2 pages).
type pageLine struct {
	envelope
	Data []obj `json:"data"`
}

// objectLine is a line decoded with "data" as an object (stream lines and
// single-item lookups).
type objectLine struct {
	envelope
	Data *obj `json:"data"`
}

// flexID is an id written as a JSON string or as a JSON integer, kept as its
// decimal digits. Anything else (null, a fraction, an object) reads as empty
// rather than failing the line: an unusable id is an unresolved reference.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	*f = ""
	if len(b) == 0 {
		return nil
	}
	if b[0] == '"' {
		var s string
		if bytes.IndexByte(b, '\\') < 0 && len(b) >= 2 {
			s = string(b[1 : len(b)-1])
		} else if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
		*f = flexID(s)
		return nil
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return nil
		}
	}
	*f = flexID(b)
	return nil
}

// count is a non-negative count that remembers whether it was given.
// Non-integers and null read as not given.
type count struct {
	v  int64
	ok bool
}

func (c *count) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(string(b), 10, 64)
	*c = count{v, err == nil && v >= 0}
	return nil
}

// get returns the count, or graph.Unknown (-1) when not given.
func (c count) get() int64 {
	if !c.ok {
		return -1
	}
	return c.v
}

// present records that a key was there with a non-null value, without
// decoding the value.
type present bool

func (p *present) UnmarshalJSON(b []byte) error {
	*p = present(string(b) != "null")
	return nil
}

// tweetText is a tweet's text, remembering whether it was given (a non-null
// value): the presence of text is what makes an object a tweet.
type tweetText struct {
	s   string
	set bool
}

func (t *tweetText) UnmarshalJSON(b []byte) error {
	*t = tweetText{}
	if string(b) == "null" {
		return nil
	}
	t.set = true
	if len(b) >= 2 && b[0] == '"' && bytes.IndexByte(b, '\\') < 0 {
		t.s = string(b[1 : len(b)-1])
		return nil
	}
	// Escapes, or not a string: decoded by encoding/json; a non-string
	// still marks a tweet, with no text.
	_ = json.Unmarshal(b, &t.s)
	return nil
}
