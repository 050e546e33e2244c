// Package bluesky crawls Bluesky through the public AppView XRPC API
// (app.bsky.*, unauthenticated; default host https://public.api.bsky.app).
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
// Handles shown as "handle.invalid" (a DID whose handle no longer verifies)
// are stored as no handle, so they never overwrite a known one. Follower lists
// carry no counts (profileView); the engine fills them through Profiles
// (app.bsky.actor.getProfiles, 25 actors a call).
package bluesky
