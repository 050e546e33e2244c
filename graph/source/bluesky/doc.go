// Package bluesky crawls Bluesky through the public AppView XRPC API
// (app.bsky.*, unauthenticated; default host https://public.api.bsky.app),
// and searches posts by hashtag through a logged-in PDS session.
// It implements crawl.Platform under the platform name "bluesky", with
// accounts keyed by DID: handles change and can be reused, DIDs do not.
//
// Endpoints and the edges they yield (src gives attention to dst; the AT
// Protocol sources are cited in protocols.md §1):
//
//	followers    app.bsky.graph.getFollowers   follow  follower → subject
//	follows      app.bsky.graph.getFollows     follow  subject → followee
//	posts        app.bsky.feed.getAuthorFeed   (filter=posts_with_replies, includePins=false)
//	             repost item (reason #reasonRepost): repost  reason.by → post.author,
//	                 PostID = the reposted post's URI, At unknown
//	             own post: reply    author → DID of record.reply.parent.uri
//	                                (or reply.parent.author.did when the URI names a handle)
//	                       quote    author → DID of the quoted post (record.embed
//	                                app.bsky.embed.record / recordWithMedia, posts only)
//	                       mention  author → each distinct facet #mention did
//	                 PostID = the post's AT-URI, At = its sortAt, Hashtags from
//	                 #tag facets and record.tags
//	             pinned item (reason #reasonPin): skipped, it is listed again in place
//	reposted_by  app.bsky.feed.getRepostedBy   repost  reposter → author, PostID = the post, At unknown
//	quotes       app.bsky.feed.getQuotes       quote   quoter → author, PostID = the quoting post, At its sortAt
//	likes        app.bsky.feed.getLikes        like    liker → author, PostID = the liked post, At = the like's sortAt
//	replies      app.bsky.feed.getPostThread   reply   replier → author, PostID = the reply, At its sortAt
//	             (depth=1, parentHeight=0: direct replies only, one page, no cursor)
//	tag_posts    app.bsky.feed.searchPosts     (PDS, with the session) the posts carrying the tag:
//	             their own reply, quote and mention events as above; authors Found;
//	             post URIs in Page.Posts for the engagement lists
//
// A repost is recorded one way only. The author feed sees the crawled
// account's reposts with a repost time (reason.indexedAt), getRepostedBy sees
// reposts of the crawled account's posts with none. Both paths therefore use
// PostID = the reposted post's URI and an unknown time, so the store's event
// identity (src, dst, kind, post id, time) is the same whichever path saw it
// first and a repost met twice is stored once.
//
// Quotes and replies are met both in the actor's feed and in getQuotes /
// getPostThread of the target post: both paths use the quoting or replying
// post's URI and its sortAt, so they agree too.
//
// sortAt is the earlier of a record's createdAt (client-supplied, may be
// backdated or in the future) and indexedAt (when the AppView first saw it);
// that is createdAt unless it lies in the future. This is the AppView's own
// ordering time (bsky-docs docs/advanced-guides/timestamps.md) and is stable
// across requests. Hashtags (lower-cased, without '#', distinct) are kept on
// the events whose carrying record is in hand: replies, quotes and mentions;
// reposts and likes carry none, because getRepostedBy and getLikes do not
// return the post.
//
// Posts: every post a page holds becomes a graph.Post in Page.PostRecords
// (own posts and reposted posts of the author feed, repost records with
// reason.uri as their id, quoting posts, replies, the thread's post, search
// results): id = AT-URI, author DID, time = sortAt, kind reply when the
// record has reply.parent (even if it also quotes), else quote when it
// embeds a post, else original; hashtags from #tag facets, record.tags and
// #words of the text (as the Bluesky app detects them); text length in
// runes. Posts only referred to (the quoted post of an embed view, a feed
// item's reply.parent #postView) go in Page.Refs.
//
// Tag crawls (tag_posts): app.bsky.feed.searchPosts with q="#tag", tag=tag,
// sort=latest, limit=100 and since/until, asked of the PDS (default the
// entryway https://bsky.social, which proxies it to the AppView) with a
// session made from an app password (com.atproto.server.createSession),
// because Bluesky refuses anonymous search. The session lives in memory
// only: created the first time a search needs it, refreshed with
// refreshSession when the server answers ExpiredToken (or 401), created
// again if the refresh token is refused. Every other endpoint stays on the
// anonymous public AppView and is never sent a token. Passwords and tokens
// are Secret values that print as "[redacted]".
//
// Handles shown as "handle.invalid" (a DID whose handle no longer verifies)
// are stored as no handle, so they never overwrite a known one. Follower lists
// carry no counts (profileView); the engine fills them through Profiles
// (app.bsky.actor.getProfiles, 25 actors a call).
package bluesky
