// Package crawl walks a social platform's public API breadth-first from seed
// accounts and writes what it finds through the store, one page per
// transaction, so that a crawl stopped at any moment resumes where it stopped.
//
// A platform (bluesky, mastodon, x) implements Platform: it knows endpoints,
// JSON shapes and edge recipes. The engine in this package knows the frontier,
// resumption, pacing and retries, and nothing of any platform's JSON.
package crawl

import (
	"context"
	"time"

	"github.com/clout-cli/clout/graph"
)

// Endpoint names one kind of paged list a platform can walk.
type Endpoint string

// The endpoints the engine schedules. A platform that cannot serve one (X
// likes with an app token, Mastodon quotes without a user token) says so in
// Capabilities and the engine never asks for it.
const (
	// Followers of the subject account: edges follower → subject.
	Followers Endpoint = "followers"
	// Follows of the subject account: edges subject → followee.
	Follows Endpoint = "follows"
	// Posts of the subject account, newest first: the interaction events
	// the account made (reposts, quotes, replies, mentions), and one
	// engagement task per post (see Page.Posts).
	Posts Endpoint = "posts"
	// RepostedBy, Quotes, Likes and Replies of the subject post: events
	// engager → post author.
	RepostedBy Endpoint = "reposted_by"
	Quotes     Endpoint = "quotes"
	Likes      Endpoint = "likes"
	Replies    Endpoint = "replies"
	// TagPosts are the posts carrying a hashtag: Subject is the tag,
	// lower-cased and without '#'; Owner is the instance asked (Mastodon)
	// or "". Pages carry PostRecords, Found holds their authors, and Posts
	// their ids (queued for engagement like an account's posts).
	TagPosts Endpoint = "tag_posts"
)

// Task is one paged list to walk. Tasks are stored, so every field must be
// plain data that survives a restart.
type Task struct {
	Endpoint Endpoint
	// Subject is an account key (followers, follows, posts) or a post id
	// (engagement endpoints), in the platform's own form (DID, AT-URI,
	// username@domain, status URL, numeric id).
	Subject string
	// Owner is the account key the task belongs to: the subject account, or
	// the author of the subject post; for TagPosts, the instance asked
	// (Mastodon) or "".
	Owner string
	// Since and Until bound a TagPosts list in time (zero: unbounded):
	// posts at or after Since and before Until. The platform passes them
	// to the API where it can (X start_time/end_time); the engine drops
	// posts outside the window whatever the platform returns, and ends the
	// list at a page whose posts are all older than Since (TagPosts lists
	// are newest first). The engine stores them in the task's subject
	// (see TagSubject), so Subject holds the tag alone here.
	Since, Until time.Time
}

// Page is one page of a task, as the platform read it. The engine commits all
// of it, together with Next, in one transaction.
type Page struct {
	// Accounts met on the page, with whatever attributes the page carries.
	Accounts []graph.Account
	// Edges found on the page (follows or interaction events). Their
	// platform must be the Platform's Name.
	Edges []graph.Edge
	// Found are account keys this page discovers for the frontier: the
	// followers, followees and engagers listed. They are queued one level
	// deeper than the task's owner.
	Found []string
	// Posts are the post ids this page read (Posts endpoint only); the
	// engine counts them against --posts and, with engagement on, queues the
	// engagement tasks for each.
	Posts []string
	// PostRecords are the posts read on this page, with what the page says
	// of them (author, time, kind, parent, hashtags). The engine writes them
	// through the sink when it is also a graph.PostSink.
	PostRecords []graph.Post
	// Refs are posts the page's posts point at (X includes.tweets: the
	// retweeted, quoted and replied-to posts), written like PostRecords.
	// On a TagPosts page they are not the tag's posts: the window and
	// --max-posts do not apply to them, and they are kept when a kept post
	// or edge points at them.
	Refs []graph.Post
	// Next is the cursor (or next URL, or token) for the following page;
	// "" means the list is finished.
	Next string
	// Hidden reports that the platform hides this list (Mastodon
	// hide_collections): recorded as hidden, not as an empty list.
	Hidden bool
}

// Capabilities says which endpoints a platform can serve with the
// credentials it has.
type Capabilities map[Endpoint]bool

// Platform is one social network's API, as the engine uses it. Implementations
// do HTTP through the *Client they are built with, so that pacing, retries and
// request accounting are shared.
type Platform interface {
	// Name is the platform name stored with every account and edge:
	// "bluesky", "mastodon" or "twitter".
	Name() string
	// Capabilities lists the endpoints this platform can walk.
	Capabilities() Capabilities
	// Resolve turns a seed as the user typed it (@handle, handle, DID,
	// user@instance, numeric id, username) into the account it names,
	// with its key and whatever attributes the lookup returned.
	Resolve(ctx context.Context, seed string) (graph.Account, error)
	// Fetch reads one page of t; cursor is "" for the first page.
	Fetch(ctx context.Context, t Task, cursor string) (*Page, error)
	// ProfileBatch is how many accounts Profiles accepts at once (Bluesky
	// getProfiles: 25; 1 where the API has no batch lookup).
	ProfileBatch() int
	// Profiles returns the attributes (handle, name, reported counts) of the
	// given accounts. Accounts the platform no longer knows are left out;
	// results are matched by key, not position.
	Profiles(ctx context.Context, keys []string) ([]graph.Account, error)
}
