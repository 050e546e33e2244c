// Package xtest is a fake X API v2 for tests: a small deterministic social
// network (World) served by an httptest server that speaks the real
// protocol: paths, query parameters and their validation, response
// envelopes {data, includes, meta, errors}, pagination_token ← next_token,
// x-rate-limit-* headers, problem-JSON errors and bearer-token auth, with
// knobs for the faults a crawler meets (429s, 5xx bursts, slow, truncated,
// HTML and malformed responses).
package xtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// User is an X account.
type User struct {
	ID, Username, Name, Description string
	Created                         time.Time
	Protected, Verified             bool
}

// Mention is a mention entity as a tweet carries it. ID is "" when the
// entity names the user by username only; Username may differ in case from
// the account's, or name no account at all.
type Mention struct {
	Username string
	ID       string
}

// Tweet is a post. Retweet, Quote and ReplyTo are ids of referenced tweets
// (at most one of Retweet and the others). A retweet's text and mentions
// are derived from the original ("RT @author: …"), as the API does.
type Tweet struct {
	ID, Author string
	Created    time.Time
	Retweet    string
	Quote      string
	ReplyTo    string
	// InReplyToUser is the replied-to account; "" means the author of
	// ReplyTo. OmitReplyUser leaves in_reply_to_user_id out of the JSON so
	// that the reply target must come from the referenced tweet.
	InReplyToUser string
	OmitReplyUser bool
	Mentions      []Mention
	Hashtags      []string
	// Deleted tweets are served nowhere: references to them are missing
	// from includes and reported in errors[].
	Deleted bool
}

// Follow is Src following Dst. World.Follows is in the order the follows
// happened; lists are served newest first.
type Follow struct{ Src, Dst string }

// World is the network the server serves. Tests may build one by hand; it
// must not change once a Server or Expected has read it.
type World struct {
	Users   []*User
	Follows []Follow
	Tweets  []*Tweet
}

// AddUser adds an account and returns it.
func (w *World) AddUser(id, username string) *User {
	u := &User{ID: id, Username: username, Name: "Name of " + username, Created: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)}
	w.Users = append(w.Users, u)
	return u
}

// Follow records that src follows dst.
func (w *World) Follow(src, dst string) { w.Follows = append(w.Follows, Follow{src, dst}) }

// AddTweet adds t and returns it.
func (w *World) AddTweet(t *Tweet) *Tweet {
	w.Tweets = append(w.Tweets, t)
	return t
}

var tagPool = []string{"Go", "golang", "GO", "sqlite", "PageRank", "graphs", "news"}

// NewWorld returns a deterministic synthetic network of n accounts (n ≥ 2):
// ids of mixed length (legacy 8-digit and 19-digit snowflakes), random
// follows plus a popular account 0, the last account protected (n ≥ 4),
// and about six tweets per public account: plain posts with mentions (by
// id, by username only, in odd case, of unknown usernames) and hashtags,
// replies (some without in_reply_to_user_id), quotes and retweets, and a
// few deleted tweets that others reference.
func NewWorld(seed int64, n int) *World {
	if n < 2 {
		n = 2
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	w := &World{}
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		var id string
		if i%7 == 3 {
			id = strconv.Itoa(10_000_000 + i*101)
		} else {
			id = strconv.FormatUint(1_400_000_000_000_000_000+uint64(i)*1_000_003+rng.Uint64N(1000), 10)
		}
		name := fmt.Sprintf("user_%d", i)
		if i%5 == 1 {
			name = fmt.Sprintf("User%d", i)
		}
		u := w.AddUser(id, name)
		u.Name = fmt.Sprintf("User Number %d", i)
		u.Description = fmt.Sprintf("account %d of a synthetic world", i)
		u.Created = base.AddDate(-5, 0, -i)
		u.Verified = i%9 == 0
	}
	if n >= 4 {
		w.Users[n-1].Protected = true
	}
	userIndex := make(map[string]int, n)
	for i, u := range w.Users {
		userIndex[u.ID] = i
	}
	// Follows: a few random ones each, and half the accounts follow account 0.
	var fs []Follow
	for i, u := range w.Users {
		k := rng.IntN(min(n-1, 6) + 1)
		seen := map[int]bool{i: true}
		for range k {
			j := rng.IntN(n)
			if seen[j] {
				continue
			}
			seen[j] = true
			fs = append(fs, Follow{u.ID, w.Users[j].ID})
		}
		if i != 0 && !seen[0] && rng.IntN(2) == 0 {
			fs = append(fs, Follow{u.ID, w.Users[0].ID})
		}
	}
	rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
	w.Follows = fs

	public := w.Users
	if n >= 4 {
		public = w.Users[:n-1]
	}
	total := len(public) * 6
	byID := make(map[string]*Tweet, total)
	for j := range total {
		u := public[rng.IntN(len(public))]
		t := &Tweet{
			ID:      strconv.FormatUint(1_700_000_000_000_000_000+uint64(j)*1_000_000+rng.Uint64N(1000), 10),
			Author:  u.ID,
			Created: base.Add(time.Duration(j) * 37 * time.Minute),
		}
		var prev *Tweet
		if len(w.Tweets) > 0 {
			prev = w.Tweets[rng.IntN(len(w.Tweets))]
			if prev.Retweet != "" {
				prev = byID[prev.Retweet]
			}
		}
		switch r := rng.IntN(100); {
		case prev != nil && r < 15 && prev.Author != u.ID:
			t.Retweet = prev.ID
		case prev != nil && r < 27:
			t.Quote = prev.ID
		case prev != nil && r < 47:
			t.ReplyTo = prev.ID
			t.OmitReplyUser = rng.IntN(5) == 0
			if pu := w.Users[userIndex[prev.Author]]; !t.OmitReplyUser {
				t.Mentions = append(t.Mentions, Mention{Username: pu.Username, ID: pu.ID})
			}
		}
		if t.Retweet == "" {
			for range rng.IntN(3) {
				m := w.Users[rng.IntN(n)]
				switch rng.IntN(6) {
				case 0:
					t.Mentions = append(t.Mentions, Mention{Username: strings.ToUpper(m.Username)})
				case 1:
					t.Mentions = append(t.Mentions, Mention{Username: m.Username})
				case 2:
					t.Mentions = append(t.Mentions, Mention{Username: fmt.Sprintf("ghost_%d", j)})
				default:
					t.Mentions = append(t.Mentions, Mention{Username: m.Username, ID: m.ID})
				}
			}
			for range rng.IntN(3) {
				t.Hashtags = append(t.Hashtags, tagPool[rng.IntN(len(tagPool))])
			}
		}
		w.Tweets = append(w.Tweets, t)
		byID[t.ID] = t
	}
	// Delete some tweets that others reference, and a few at random.
	for _, t := range w.Tweets {
		for _, r := range []string{t.Retweet, t.Quote, t.ReplyTo} {
			if r != "" && rng.IntN(8) == 0 {
				byID[r].Deleted = true
			}
		}
	}
	for range max(1, len(w.Tweets)/40) {
		w.Tweets[rng.IntN(len(w.Tweets))].Deleted = true
	}
	return w
}
