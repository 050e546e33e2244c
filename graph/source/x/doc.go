// Package x crawls the X (Twitter) API v2 with an app-only bearer token. It
// implements crawl.Platform under the platform name "twitter", keyed by the
// numeric user id string, so crawled data merges with twarc and twarc2
// imports of the same accounts.
//
// # Endpoints and what they yield
//
// Every request sends the token as "Authorization: Bearer <token>" and
// nowhere else; the token never appears in a URL, an error, a log line or
// the database (errors that would contain it are scrubbed, and Config and
// Platform print without it). The caller reads it from the environment
// (clout crawl x --token-env, default X_BEARER_TOKEN) or a file; New fails
// with ErrNoToken when it is empty.
//
//	Resolve     GET /2/users/:id (numeric seed) or /2/users/by/username/:username
//	Followers   GET /2/users/:id/followers?max_results=1000   edge follower → subject
//	Follows     GET /2/users/:id/following?max_results=1000   edge subject → followee
//	Posts       GET /2/users/:id/tweets?max_results=100 with the twarc2
//	            expansions that name target authors (author_id,
//	            in_reply_to_user_id, referenced_tweets.id,
//	            referenced_tweets.id.author_id, entities.mentions.username)
//	RepostedBy  GET /2/tweets/:id/retweeted_by?max_results=100 edge retweeter → author
//	Quotes      GET /2/tweets/:id/quote_tweets?max_results=100 edge quoter → author
//	Profiles    GET /2/users?ids=a,b,... (100 per call)
//	TagPosts    GET /2/tweets/search/recent?query=%23TAG&max_results=100 with
//	            the timeline's fields and expansions, start_time/end_time
//	            from the window (seconds; start rounded down, end up),
//	            next_token paging: each post (retweets included) as the
//	            timeline reads it, its author a participant (Page.Found)
//
// Posts (Page.PostRecords): every tweet a timeline or a search returns, with
// its author, time, hashtags (none for a retweet), kind and parent (the
// retweeted, else the quoted, else the replied-to tweet) and text (kept by
// the engine only with --keep-text); the tweets of includes.tweets are
// Page.Refs, stored the same way but outside a tag crawl's window and
// --max-posts. A retweet is a post of kind repost; it is not an engagement
// subject.
//
// Likes and Replies are not available: GET /2/tweets/:id/liking_users accepts
// user-context tokens only, and the replies to a post can only be found by a
// search on conversation_id (search/recent covers 7 days and search/all needs
// a paid plan). Capabilities reports both false.
//
// Pagination sends meta.next_token back as pagination_token and stops when
// next_token is absent; a short page does not end the list. The timeline
// serves only an account's 3,200 most recent posts.
//
// # Edges from an account's posts
//
// For each tweet T of the subject's timeline, from T's author:
//
//	repost   T is a retweet (referenced_tweets type "retweeted") → the
//	         original's author (includes.tweets author_id, else the "RT @x"
//	         mention at offset 3). PostID = the ORIGINAL tweet's id, At = zero,
//	         no hashtags: GET /2/tweets/:id/retweeted_by names the same
//	         retweeters with no retweet id and no time, and both paths must
//	         write the identical event so that the store keeps one. (twarc
//	         imports record a retweet under the retweet's own id and time, so
//	         a retweet both imported and crawled is stored twice.) A retweet
//	         yields nothing else (its mentions belong to the original) and is
//	         not one of the account's posts.
//	quote    type "quoted" → the quoted tweet's author
//	reply    in_reply_to_user_id, else the author of the "replied_to" tweet
//	mention  each distinct account in entities.mentions, by id or else by
//	         username through includes.users (case-insensitively)
//
// Followers, followees, retweeters and quoters are the accounts a page
// finds for the frontier (Page.Found); the targets of an account's own
// reposts, quotes, replies and mentions are stored but not queued.
//
// quote, reply and mention carry PostID = T's id, At = T's created_at and
// T's hashtags (entities.hashtags tag, lower-cased, distinct). Self-loops are
// not emitted. A referenced tweet missing from includes (deleted, protected)
// leaves its edge out; the partial errors[] of a 200 response are per-item
// notes, not failures.
//
// A list whose subject itself is in errors[] of a 200 response with no data
// is mapped to an error the engine understands: "resource-not-found" and
// "resource-unavailable" (suspended) become an *crawl.HTTPError with status
// 404 or 410 (crawl.IsNotFound), "not-authorized-for-resource" (a protected
// account) a Page with Hidden set.
//
// # Rate limits and cost
//
// Limits are per app and per endpoint, per 15-minute window (X API docs,
// fundamentals/rate-limits), with headers x-rate-limit-limit,
// x-rate-limit-remaining and x-rate-limit-reset (Unix epoch seconds):
//
//	endpoint                                   per app / 15 min   per request
//	/2/users/:id/followers, /following         300                1,000 users
//	/2/users/:id/tweets                        10,000             100 posts
//	/2/users, /2/users/:id, /by/username       300                100 users
//	/2/tweets/:id/retweeted_by, /quote_tweets  75                 100 users/posts
//	/2/tweets/search/recent                    450                100 posts
//
// DefaultRate paces all requests to one host at half the strictest budget a
// crawl leans on, followers' 300 per 15 minutes: 1 request every 6 seconds.
// The x-rate-limit-* headers tighten it further, and a 429 waits until
// x-rate-limit-reset; a 429 while x-rate-limit-remaining is above zero is a
// hidden per-second limit, and the client backs off briefly instead (see
// crawl.Client). The engagement endpoints allow only 75 requests per 15
// minutes, so with --engagement most of a long crawl's time is spent
// waiting on them.
//
// Since February 2026 X bills pay-per-use by resource returned (X API docs,
// getting-started/pricing; resources are de-duplicated per UTC day):
// followers, following and user lookups $0.010 per user, post reads $0.005
// per post. Crawling the followers of one account with 100,000 followers
// takes 100 requests (1,000 per page; 10 minutes at DefaultRate, within the
// 300 / 15 min budget) and returns 100,000 user resources: about $1,000.
// Its 3,200 most recent posts take 32 requests and cost about $16; the
// retweeters and quotes of 100 posts take at least 200 requests (at 75 per 15
// minutes each, about 20 minutes). A tag crawl of 10,000 posts takes 100
// search requests (17 minutes at DefaultRate) and costs about $50 in post
// reads (whether expanded includes are billed too is not documented); with
// --engagement, each post that is not a retweet adds at least 2 requests
// to the 75-per-15-minutes endpoints.
package x
