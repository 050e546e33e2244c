package xtest

// The JSON the server writes uses ordered structs with omitempty so that
// only requested fields appear, as on the real API: id, name and username
// of a user and id, text and edit_history_tweet_ids of a tweet by default,
// everything else only when named in user.fields or tweet.fields.

type userJSON struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Username      string       `json:"username"`
	CreatedAt     string       `json:"created_at,omitempty"`
	Description   *string      `json:"description,omitempty"`
	Protected     *bool        `json:"protected,omitempty"`
	Verified      *bool        `json:"verified,omitempty"`
	PublicMetrics *userMetrics `json:"public_metrics,omitempty"`
}

type userMetrics struct {
	Followers int `json:"followers_count"`
	Following int `json:"following_count"`
	Tweets    int `json:"tweet_count"`
	Listed    int `json:"listed_count"`
	Likes     int `json:"like_count"`
}

type tweetJSON struct {
	ID                  string        `json:"id"`
	Text                string        `json:"text"`
	EditHistoryTweetIDs []string      `json:"edit_history_tweet_ids"`
	AuthorID            string        `json:"author_id,omitempty"`
	ConversationID      string        `json:"conversation_id,omitempty"`
	CreatedAt           string        `json:"created_at,omitempty"`
	Entities            *entitiesJSON `json:"entities,omitempty"`
	InReplyToUserID     string        `json:"in_reply_to_user_id,omitempty"`
	Lang                string        `json:"lang,omitempty"`
	PublicMetrics       *tweetMetrics `json:"public_metrics,omitempty"`
	ReferencedTweets    []refJSON     `json:"referenced_tweets,omitempty"`
}

type tweetMetrics struct {
	Retweets    int `json:"retweet_count"`
	Replies     int `json:"reply_count"`
	Likes       int `json:"like_count"`
	Quotes      int `json:"quote_count"`
	Bookmarks   int `json:"bookmark_count"`
	Impressions int `json:"impression_count"`
}

type entitiesJSON struct {
	Mentions []mentionJSON `json:"mentions,omitempty"`
	Hashtags []hashtagJSON `json:"hashtags,omitempty"`
}

type mentionJSON struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Username string `json:"username"`
	ID       string `json:"id,omitempty"`
}

type hashtagJSON struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Tag   string `json:"tag"`
}

type refJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// problemJSON is an X problem: a whole error response, or one item of a
// 200 response's errors[].
type problemJSON struct {
	Value        string             `json:"value,omitempty"`
	Detail       string             `json:"detail,omitempty"`
	Title        string             `json:"title,omitempty"`
	ResourceType string             `json:"resource_type,omitempty"`
	Parameter    string             `json:"parameter,omitempty"`
	ResourceID   string             `json:"resource_id,omitempty"`
	Type         string             `json:"type,omitempty"`
	Status       int                `json:"status,omitempty"`
	Errors       []invalidParamJSON `json:"errors,omitempty"`
}

type invalidParamJSON struct {
	Parameters map[string][]string `json:"parameters"`
	Message    string              `json:"message"`
}

type metaJSON struct {
	ResultCount   int    `json:"result_count"`
	NewestID      string `json:"newest_id,omitempty"`
	OldestID      string `json:"oldest_id,omitempty"`
	NextToken     string `json:"next_token,omitempty"`
	PreviousToken string `json:"previous_token,omitempty"`
}

type includesJSON struct {
	Users  []userJSON  `json:"users,omitempty"`
	Tweets []tweetJSON `json:"tweets,omitempty"`
}

type responseJSON struct {
	Data     any           `json:"data,omitempty"`
	Includes *includesJSON `json:"includes,omitempty"`
	Errors   []problemJSON `json:"errors,omitempty"`
	Meta     *metaJSON     `json:"meta,omitempty"`
}

const problemBase = "https://api.twitter.com/2/problems/"

func (v *view) userJSON(u *User, fields map[string]bool) userJSON {
	j := userJSON{ID: u.ID, Name: u.Name, Username: u.Username}
	if fields["created_at"] {
		j.CreatedAt = u.Created.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if fields["description"] {
		j.Description = &u.Description
	}
	if fields["protected"] {
		j.Protected = &u.Protected
	}
	if fields["verified"] {
		j.Verified = &u.Verified
	}
	if fields["public_metrics"] {
		j.PublicMetrics = &userMetrics{
			Followers: len(v.followers[u.ID]),
			Following: len(v.following[u.ID]),
			Tweets:    len(v.timeline[u.ID]),
		}
	}
	return j
}

func (v *view) tweetJSON(t *Tweet, fields map[string]bool) tweetJSON {
	text, ms, hs := v.text(t)
	j := tweetJSON{ID: t.ID, Text: text, EditHistoryTweetIDs: []string{t.ID}}
	if fields["author_id"] {
		j.AuthorID = t.Author
	}
	if fields["conversation_id"] {
		j.ConversationID = v.conversation(t)
	}
	if fields["created_at"] {
		j.CreatedAt = t.Created.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if fields["entities"] && (len(ms) > 0 || len(hs) > 0) {
		e := &entitiesJSON{}
		for _, m := range ms {
			e.Mentions = append(e.Mentions, mentionJSON{Start: m.start, End: m.end, Username: m.m.Username, ID: m.m.ID})
		}
		for _, h := range hs {
			e.Hashtags = append(e.Hashtags, hashtagJSON{Start: h.start, End: h.end, Tag: h.tag})
		}
		j.Entities = e
	}
	if fields["in_reply_to_user_id"] {
		j.InReplyToUserID = v.replyUser(t)
	}
	if fields["lang"] {
		j.Lang = "en"
	}
	if fields["public_metrics"] {
		j.PublicMetrics = &tweetMetrics{Retweets: len(v.rtBy[t.ID]), Quotes: len(v.quotes[t.ID])}
	}
	if fields["referenced_tweets"] {
		if t.Retweet != "" {
			j.ReferencedTweets = append(j.ReferencedTweets, refJSON{"retweeted", t.Retweet})
		}
		if t.Quote != "" {
			j.ReferencedTweets = append(j.ReferencedTweets, refJSON{"quoted", t.Quote})
		}
		if t.ReplyTo != "" {
			j.ReferencedTweets = append(j.ReferencedTweets, refJSON{"replied_to", t.ReplyTo})
		}
	}
	return j
}

// conversation is the id of the root of t's reply chain.
func (v *view) conversation(t *Tweet) string {
	for range 1000 {
		p := v.tweets[t.ReplyTo]
		if p == nil {
			break
		}
		t = p
	}
	return t.ID
}
