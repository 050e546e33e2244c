package mastodontest

import (
	"fmt"
	"strings"
	"time"
)

// The JSON shapes below copy Mastodon's REST entities (MDOC
// entities/Account.md, Status.md, Quote.md, ShallowQuote.md), field names
// and order as the server writes them.

type jsonAccount struct {
	ID              string  `json:"id"`
	Username        string  `json:"username"`
	Acct            string  `json:"acct"`
	DisplayName     string  `json:"display_name"`
	Locked          bool    `json:"locked"`
	Bot             bool    `json:"bot"`
	Discoverable    bool    `json:"discoverable"`
	Indexable       bool    `json:"indexable"`
	Group           bool    `json:"group"`
	CreatedAt       string  `json:"created_at"`
	Note            string  `json:"note"`
	URL             string  `json:"url"`
	URI             string  `json:"uri"`
	Avatar          string  `json:"avatar"`
	AvatarStatic    string  `json:"avatar_static"`
	Header          string  `json:"header"`
	HeaderStatic    string  `json:"header_static"`
	FollowersCount  int     `json:"followers_count"`
	FollowingCount  int     `json:"following_count"`
	StatusesCount   int     `json:"statuses_count"`
	LastStatusAt    *string `json:"last_status_at"`
	HideCollections *bool   `json:"hide_collections"`
	Noindex         bool    `json:"noindex"`
	Emojis          []any   `json:"emojis"`
	Roles           []any   `json:"roles"`
	Fields          []any   `json:"fields"`
}

type jsonMention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

type jsonTag struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

type jsonStatus struct {
	ID                 string        `json:"id"`
	CreatedAt          string        `json:"created_at"`
	InReplyToID        *string       `json:"in_reply_to_id"`
	InReplyToAccountID *string       `json:"in_reply_to_account_id"`
	Sensitive          bool          `json:"sensitive"`
	SpoilerText        string        `json:"spoiler_text"`
	Visibility         string        `json:"visibility"`
	Language           *string       `json:"language"`
	URI                string        `json:"uri"`
	URL                *string       `json:"url"`
	RepliesCount       int           `json:"replies_count"`
	ReblogsCount       int           `json:"reblogs_count"`
	FavouritesCount    int           `json:"favourites_count"`
	QuotesCount        int           `json:"quotes_count"`
	EditedAt           *string       `json:"edited_at"`
	Content            string        `json:"content"`
	Reblog             *jsonStatus   `json:"reblog"`
	Quote              any           `json:"quote"`
	Application        any           `json:"application"`
	Account            jsonAccount   `json:"account"`
	MediaAttachments   []any         `json:"media_attachments"`
	Mentions           []jsonMention `json:"mentions"`
	Tags               []jsonTag     `json:"tags"`
	Emojis             []any         `json:"emojis"`
	Card               any           `json:"card"`
	Poll               any           `json:"poll"`
}

type jsonQuote struct {
	State        string      `json:"state"`
	QuotedStatus *jsonStatus `json:"quoted_status"`
}

type jsonShallowQuote struct {
	State          string  `json:"state"`
	QuotedStatusID *string `json:"quoted_status_id"`
}

type jsonContext struct {
	Ancestors   []jsonStatus `json:"ancestors"`
	Descendants []jsonStatus `json:"descendants"`
}

type jsonError struct {
	Error string `json:"error"`
}

// mastodonTime is Mastodon's datetime format: RFC 3339, milliseconds, Z.
func mastodonTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func ptr[T any](v T) *T { return &v }

// acct is account i's acct as the instance of domain index v writes it.
func (s *Server) acct(v, i int) string {
	a := s.w.Accounts[i]
	if a.Domain == s.w.Domains[v] {
		return a.Username
	}
	return a.Key()
}

// account renders account i as the instance of domain index v sees it.
func (s *Server) account(v, i int) jsonAccount {
	a := s.w.Accounts[i]
	c := s.x.counts[i]
	base := "https://" + a.Domain
	j := jsonAccount{
		ID: AccountID(v, i), Username: a.Username, Acct: s.acct(v, i), DisplayName: a.DisplayName,
		Bot: a.Bot, Discoverable: true, Indexable: true,
		CreatedAt: mastodonTime(Epoch.AddDate(0, 0, -30-i%400).Truncate(24 * time.Hour)),
		Note:      "<p>" + a.DisplayName + " on " + a.Domain + "</p>",
		URL:       base + "/@" + a.Username, URI: base + "/users/" + a.Username,
		Avatar: base + "/avatars/original/missing.png", AvatarStatic: base + "/avatars/original/missing.png",
		Header: base + "/headers/original/missing.png", HeaderStatic: base + "/headers/original/missing.png",
		FollowersCount: c.followers, FollowingCount: c.following, StatusesCount: c.statuses,
		Emojis: []any{}, Roles: []any{}, Fields: []any{},
	}
	if l := s.x.statuses[i]; len(l) > 0 {
		j.LastStatusAt = ptr(s.w.Statuses[l[0]].At.Format("2006-01-02"))
	}
	if !a.LegacyHidden {
		j.HideCollections = ptr(a.HideCollections)
	}
	return j
}

// status renders status j as the instance of domain index v sees it; depth
// limits nested quotes, which Mastodon gives as ShallowQuote.
func (s *Server) status(v, j, depth int) jsonStatus {
	st := s.w.Statuses[j]
	a := s.w.Accounts[st.Author]
	uri := s.w.StatusURI(j)
	js := jsonStatus{
		ID: StatusID(v, j), CreatedAt: mastodonTime(st.At), Visibility: "public",
		URI: uri, Account: s.account(v, st.Author),
		MediaAttachments: []any{}, Mentions: []jsonMention{}, Tags: []jsonTag{}, Emojis: []any{},
	}
	if st.Reblog >= 0 {
		r := s.status(v, st.Reblog, depth)
		js.Reblog = &r
		return js
	}
	js.Language = ptr("en")
	js.URL = ptr(fmt.Sprintf("https://%s/@%s/%s", a.Domain, a.Username, StatusID(s.w.domainIndex(a.Domain), j)))
	js.RepliesCount = len(s.x.children[j])
	js.ReblogsCount = len(s.x.reblogs[j])
	js.FavouritesCount = len(s.x.favourites[j])
	var content strings.Builder
	content.WriteString("<p>")
	for _, m := range st.Mentions {
		ma := s.w.Accounts[m]
		js.Mentions = append(js.Mentions, jsonMention{
			ID: AccountID(v, m), Username: ma.Username, URL: "https://" + ma.Domain + "/@" + ma.Username, Acct: s.acct(v, m),
		})
		fmt.Fprintf(&content, `<span class="h-card"><a href="https://%s/@%s" class="u-url mention">@<span>%s</span></a></span> `, ma.Domain, ma.Username, ma.Username)
	}
	content.WriteString(st.Text)
	for _, t := range st.Tags {
		js.Tags = append(js.Tags, jsonTag{Name: t, URL: "https://" + s.w.Domains[v] + "/tags/" + strings.ToLower(t)})
		fmt.Fprintf(&content, ` <a href="https://%s/tags/%s" class="mention hashtag" rel="tag">#<span>%s</span></a>`, s.w.Domains[v], strings.ToLower(t), t)
	}
	content.WriteString("</p>")
	js.Content = content.String()
	js.Application = map[string]any{"name": "Web", "website": nil}
	if p := st.InReplyTo; p >= 0 {
		js.InReplyToID = ptr(StatusID(v, p))
		js.InReplyToAccountID = ptr(AccountID(v, s.w.Statuses[p].Author))
	}
	if q := st.Quote; q >= 0 {
		switch {
		case depth > 0:
			sq := jsonShallowQuote{State: st.QuoteState}
			if st.QuoteState == "accepted" {
				sq.QuotedStatusID = ptr(StatusID(v, q))
			}
			js.Quote = sq
		case st.QuoteState == "accepted":
			qs := s.status(v, q, depth+1)
			js.Quote = jsonQuote{State: st.QuoteState, QuotedStatus: &qs}
		default:
			js.Quote = jsonQuote{State: st.QuoteState}
		}
	}
	return js
}
