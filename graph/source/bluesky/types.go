package bluesky

import "encoding/json"

// The response shapes clout reads, a subset of the lexicons in atproto
// lexicons/app/bsky/{actor,feed,graph}. Unknown fields are ignored, as the
// data model requires (specs/data-model). Records written by users (post
// records, embeds, facets) are kept raw and decoded leniently in record.go,
// so one odd post cannot fail a whole page.

// profile is app.bsky.actor.defs#profileViewBasic, #profileView and
// #profileViewDetailed: the counts are present only in the detailed view.
type profile struct {
	DID            string `json:"did"`
	Handle         string `json:"handle"`
	DisplayName    string `json:"displayName"`
	FollowersCount *int64 `json:"followersCount"`
	FollowsCount   *int64 `json:"followsCount"`
	PostsCount     *int64 `json:"postsCount"`
}

// postView is app.bsky.feed.defs#postView.
type postView struct {
	URI       string          `json:"uri"`
	CID       string          `json:"cid"`
	Author    profile         `json:"author"`
	Record    json.RawMessage `json:"record"`
	Embed     json.RawMessage `json:"embed"`
	IndexedAt string          `json:"indexedAt"`
}

// feedViewPost is app.bsky.feed.defs#feedViewPost.
type feedViewPost struct {
	Post   postView  `json:"post"`
	Reply  *replyRef `json:"reply"`
	Reason *reason   `json:"reason"`
}

// reason is the union app.bsky.feed.defs#reasonRepost | #reasonPin.
type reason struct {
	Type      string  `json:"$type"`
	By        profile `json:"by"`
	URI       string  `json:"uri"`
	IndexedAt string  `json:"indexedAt"`
}

const (
	typeReasonRepost = "app.bsky.feed.defs#reasonRepost"
	typeReasonPin    = "app.bsky.feed.defs#reasonPin"
)

// replyRef is app.bsky.feed.defs#replyRef; only the parent is read.
type replyRef struct {
	Parent refPost `json:"parent"`
}

// refPost is the union #postView | #notFoundPost | #blockedPost, flattened:
// a blocked post's author carries only its did; record and indexedAt are
// those of a #postView.
type refPost struct {
	Type      string          `json:"$type"`
	URI       string          `json:"uri"`
	Author    *profile        `json:"author"`
	Record    json.RawMessage `json:"record"`
	IndexedAt string          `json:"indexedAt"`
}

const typePostView = "app.bsky.feed.defs#postView"

// authorFeed is the output of app.bsky.feed.getAuthorFeed.
type authorFeed struct {
	Feed   []feedViewPost `json:"feed"`
	Cursor string         `json:"cursor"`
}

// followers is the output of app.bsky.graph.getFollowers.
type followers struct {
	Subject   profile   `json:"subject"`
	Followers []profile `json:"followers"`
	Cursor    string    `json:"cursor"`
}

// follows is the output of app.bsky.graph.getFollows.
type follows struct {
	Subject profile   `json:"subject"`
	Follows []profile `json:"follows"`
	Cursor  string    `json:"cursor"`
}

// repostedBy is the output of app.bsky.feed.getRepostedBy.
type repostedBy struct {
	URI        string    `json:"uri"`
	RepostedBy []profile `json:"repostedBy"`
	Cursor     string    `json:"cursor"`
}

// quotes is the output of app.bsky.feed.getQuotes.
type quotes struct {
	URI    string     `json:"uri"`
	Posts  []postView `json:"posts"`
	Cursor string     `json:"cursor"`
}

// likes is the output of app.bsky.feed.getLikes.
type likes struct {
	URI    string `json:"uri"`
	Likes  []like `json:"likes"`
	Cursor string `json:"cursor"`
}

// like is app.bsky.feed.getLikes#like.
type like struct {
	Actor     profile `json:"actor"`
	CreatedAt string  `json:"createdAt"`
	IndexedAt string  `json:"indexedAt"`
}

// postThread is the output of app.bsky.feed.getPostThread.
type postThread struct {
	Thread threadNode `json:"thread"`
}

// threadNode is the union app.bsky.feed.defs#threadViewPost | #notFoundPost |
// #blockedPost, flattened; replies are kept raw so that an odd reply cannot
// fail the others.
type threadNode struct {
	Type    string            `json:"$type"`
	Post    *postView         `json:"post"`
	Replies []json.RawMessage `json:"replies"`
}

const typeThreadViewPost = "app.bsky.feed.defs#threadViewPost"

// profiles is the output of app.bsky.actor.getProfiles.
type profiles struct {
	Profiles []profile `json:"profiles"`
}

// searchPosts is the output of app.bsky.feed.searchPosts: posts only
// (postView), no reposts. hitsTotal "may be rounded/truncated"; older
// servers wrote it hits_total.
type searchPosts struct {
	Posts     []postView `json:"posts"`
	Cursor    string     `json:"cursor"`
	HitsTotal *int64     `json:"hitsTotal"`
	HitsOld   *int64     `json:"hits_total"`
}

// sessionOutput is the output of com.atproto.server.createSession and
// refreshSession (lexicons/com/atproto/server/createSession.json): the
// tokens are held as secrets from the moment they are decoded.
type sessionOutput struct {
	AccessJwt  Secret `json:"accessJwt"`
	RefreshJwt Secret `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
	Active     *bool  `json:"active"`
	Status     string `json:"status"`
}
