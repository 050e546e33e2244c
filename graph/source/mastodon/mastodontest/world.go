// Package mastodontest is a set of fake Mastodon instances for tests: a
// deterministic World (accounts on several domains, follows, statuses with
// boosts, replies, mentions and quotes, favourites) and an httptest server
// that speaks Mastodon's REST API about it, with real paths, JSON shapes, Link
// pagination, X-RateLimit-* headers, the paging throttle and fault knobs.
package mastodontest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Account is one account of the World. Its key is Username@Domain.
type Account struct {
	Username    string
	Domain      string
	DisplayName string
	// HideCollections hides the follower and following lists: the server
	// answers [] with 200, and the Account entity says hide_collections:
	// true.
	HideCollections bool
	// LegacyHidden hides the lists too, but hide_collections is null, as
	// on servers before 4.3: only the empty page and the count tell.
	LegacyHidden bool
	Bot          bool
}

// Key is the account key clout stores: username@domain.
func (a Account) Key() string { return a.Username + "@" + a.Domain }

// Status is one status. Indices refer to World.Accounts and World.Statuses;
// -1 means none. A boost has Reblog ≥ 0 and nothing else.
type Status struct {
	Author    int
	At        time.Time // millisecond precision, as Mastodon renders it
	Reblog    int
	InReplyTo int
	Quote     int
	// QuoteState is the Quote entity's state ("accepted", "pending", ...).
	QuoteState string
	Mentions   []int
	Tags       []string // as written, any case
	Text       string
}

// Follow is Src following Dst. The order of World.Follows is the order the
// follows were made (the follow row ids).
type Follow struct{ Src, Dst int }

// Favourite is Account liking Status, in World.Favourites order.
type Favourite struct{ Account, Status int }

// World is a small fediverse. Statuses are in creation order: a status's
// ids on every instance grow with its index. Build one with NewWorld or by
// hand; do not change it after NewServer.
type World struct {
	Domains    []string
	Accounts   []Account
	Follows    []Follow
	Statuses   []Status
	Favourites []Favourite
	// TagAuth names the instances (by domain) that refuse anonymous
	// hashtag timelines, with how they refuse (TagAuthPreviewOff,
	// TagAuthRequireUser).
	TagAuth map[string]int
}

// Epoch is the time of the first status of a NewWorld.
var Epoch = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// NewWorld returns a deterministic world of n accounts spread over three
// domains. Usernames repeat across domains (u0@mastodon.example and
// u0@fosstodon.example are different accounts). Accounts 0–2 are popular
// (many followers, boosts, a long status history, so lists span pages);
// account 2 hides its collections (hide_collections: true) and account 5
// hides them the pre-4.3 way (hide_collections null, lists []).
func NewWorld(seed int64, n int) *World {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d6173746f646f6e))
	w := &World{Domains: []string{"mastodon.example", "fosstodon.example", "hachyderm.example"}}
	nd := len(w.Domains)
	for i := range n {
		u := fmt.Sprintf("u%d", i/nd)
		if (i/nd)%5 == 3 {
			u = fmt.Sprintf("U%d", i/nd) // usernames keep their case
		}
		w.Accounts = append(w.Accounts, Account{
			Username:        u,
			Domain:          w.Domains[i%nd],
			DisplayName:     fmt.Sprintf("User %d", i),
			HideCollections: i == 2 || (i > 5 && rng.Float64() < 0.03),
			LegacyHidden:    i == 5,
			Bot:             i%17 == 16,
		})
	}
	if n < 2 {
		return w
	}
	pick := func(not int) int {
		for {
			var j int
			if rng.Float64() < 0.5 {
				j = rng.IntN(min(3, n))
			} else {
				j = rng.IntN(n)
			}
			if j != not {
				return j
			}
		}
	}
	var pairs []Follow
	seen := map[Follow]bool{}
	for i := range n {
		for range rng.IntN(min(n-1, 14)) {
			f := Follow{i, pick(i)}
			if !seen[f] {
				seen[f] = true
				pairs = append(pairs, f)
			}
		}
	}
	rng.Shuffle(len(pairs), func(a, b int) { pairs[a], pairs[b] = pairs[b], pairs[a] })
	w.Follows = pairs

	tags := []string{"fediverse", "Go", "rust", "news", "art", "MastoArt"}
	at := Epoch
	boosted := map[[2]int]bool{}
	original := func() int { // a random non-boost status, or -1
		for range 8 {
			j := rng.IntN(len(w.Statuses))
			if w.Statuses[j].Reblog < 0 {
				return j
			}
		}
		return -1
	}
	for step := range 4 * n {
		at = at.Add(time.Duration(1+rng.IntN(600_000)) * time.Millisecond)
		a := rng.IntN(n)
		if rng.Float64() < 0.25 {
			a = rng.IntN(min(3, n))
		}
		s := Status{Author: a, At: at, Reblog: -1, InReplyTo: -1, Quote: -1, Text: fmt.Sprintf("status %d", step)}
		r := rng.Float64()
		if len(w.Statuses) == 0 {
			r = 0
		}
		switch {
		case r < 0.45: // a post, maybe mentioning others
			for range rng.IntN(3) {
				if m := pick(-1); !slices.Contains(s.Mentions, m) {
					s.Mentions = append(s.Mentions, m)
				}
			}
		case r < 0.72: // a reply; Mastodon mentions the parent's author, mostly
			p := original()
			if p < 0 {
				continue
			}
			s.InReplyTo = p
			if pa := w.Statuses[p].Author; pa != a && rng.Float64() < 0.9 {
				s.Mentions = append(s.Mentions, pa)
			}
			if rng.Float64() < 0.2 {
				if m := pick(a); !slices.Contains(s.Mentions, m) {
					s.Mentions = append(s.Mentions, m)
				}
			}
		case r < 0.9: // a boost, once per account and status
			p := original()
			if p < 0 || boosted[[2]int{a, p}] {
				continue
			}
			boosted[[2]int{a, p}] = true
			s = Status{Author: a, At: at, Reblog: p, InReplyTo: -1, Quote: -1}
		default: // a quote, not always accepted
			p := original()
			if p < 0 {
				continue
			}
			s.Quote, s.QuoteState = p, "accepted"
			if rng.Float64() < 0.25 {
				s.QuoteState = "pending"
			}
		}
		if s.Reblog < 0 {
			for range rng.IntN(3) {
				if t := tags[rng.IntN(len(tags))]; !slices.Contains(s.Tags, t) {
					s.Tags = append(s.Tags, t)
				}
			}
		}
		w.Statuses = append(w.Statuses, s)
	}
	faved := map[Favourite]bool{}
	for range 3 * n {
		if len(w.Statuses) == 0 {
			break
		}
		f := Favourite{rng.IntN(n), original()}
		if f.Status >= 0 && !faved[f] {
			faved[f] = true
			w.Favourites = append(w.Favourites, f)
		}
	}
	return w
}

// AccountIndex returns the index of the account with key username@domain.
func (w *World) AccountIndex(key string) (int, bool) {
	for i, a := range w.Accounts {
		if a.Key() == key {
			return i, true
		}
	}
	return -1, false
}

func (w *World) domainIndex(d string) int { return slices.Index(w.Domains, d) }

// Ids are per instance: the same account or status has a different id on
// every domain. Domain d's ids are offset so that ids of different
// instances never coincide, and the server can tell which instance an id
// belongs to when one URL serves them all.
const (
	accountIDBase = 1_000_000_000     // per domain
	statusIDBase  = 1_000_000_000_000 // per domain
)

// AccountID is account i's id on the instance of domain index d.
func AccountID(d, i int) string {
	return strconv.FormatInt(int64(d+1)*accountIDBase+int64(i)*7+3, 10)
}

// StatusID is status j's id on the instance of domain index d; ids grow
// with j, as Mastodon's time-ordered ids do.
func StatusID(d, j int) string {
	return strconv.FormatInt(int64(d+1)*statusIDBase+int64(j+1)*100+int64(d), 10)
}

func parseAccountID(s string) (d, i int, ok bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < accountIDBase {
		return 0, 0, false
	}
	r := n % accountIDBase
	if r%7 != 3 {
		return 0, 0, false
	}
	return int(n/accountIDBase) - 1, int(r / 7), true
}

func parseStatusID(s string) (d, j int, ok bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < statusIDBase {
		return 0, 0, false
	}
	d = int(n/statusIDBase) - 1
	r := n % statusIDBase
	if int(r%100) != d || r/100 < 1 {
		return 0, 0, false
	}
	return d, int(r/100) - 1, true
}

// StatusURI is status j's global ActivityPub id, made by its author's home
// instance (for a boost, the Announce activity).
func (w *World) StatusURI(j int) string {
	s := w.Statuses[j]
	a := w.Accounts[s.Author]
	u := fmt.Sprintf("https://%s/users/%s/statuses/%s", a.Domain, a.Username, StatusID(w.domainIndex(a.Domain), j))
	if s.Reblog >= 0 {
		u += "/activity"
	}
	return u
}
