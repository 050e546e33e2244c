// Package mastodon crawls follower and interaction graphs from Mastodon
// instances through their public REST API, without a token (protocols.md §2).
//
// # Accounts and instances
//
// Accounts are keyed "username@domain", the domain lower-cased; a local
// account's acct ("alice") gets its instance's domain appended. Every account
// is read from its home instance, the domain of its key, because an instance's
// copy of a remote account's follower list holds only the followers that
// instance knows. Instance-local account ids are looked up with
// GET /api/v1/accounts/lookup?acct=... and kept in a bounded in-memory cache;
// after a restart they are looked up again (one extra request per account).
// With Config.API set, every instance's requests go to that one base URL
// (a proxy, or a test server) and the lookup names the full acct
// ("alice@example.social"), since the URL no longer says which instance is
// meant.
//
// Limitation: an instance whose account domain (LOCAL_DOMAIN, "example.com")
// differs from the host serving its API (WEB_DOMAIN, "social.example.com") is
// reached at the account domain, which usually serves no API; seed or proxy
// such instances through Config.API.
//
// Attributes (handle = the key, display name, reported counts) come from
// whichever instance lists the account; a remote copy's counts may lag the
// home instance's, which replace them when the account itself is read. Taking
// them saves one lookup request per remote account met in a list. A remote
// copy showing zero followers (its collections never fetched there) gets a
// lookup on its home instance instead.
//
// # What each endpoint records
//
//	followers   GET /api/v1/accounts/:id/followers?limit=80: follow edge F → X
//	follows     GET /api/v1/accounts/:id/following?limit=80: follow edge X → G
//	posts       GET /api/v1/accounts/:id/statuses?limit=40:
//	              a boost (reblog != null): repost X → reblog.account,
//	                PostID = reblog.uri, At zero (as reblogged_by, which has no time)
//	              an own status S, each at S.created_at with PostID = S.uri and
//	                the status's hashtags (tags[].name, lower-cased):
//	                reply    → the account whose id is in_reply_to_account_id,
//	                           found among S.mentions (Mastodon mentions the
//	                           replied-to account, mostly), else looked up with
//	                           GET /api/v1/accounts/:id on the instance that
//	                           served S (one request per account, cached per
//	                           instance and id); skipped and counted only if
//	                           that instance answers 404
//	                mention  → each distinct mentions[].acct
//	                quote    → quote.quoted_status.account when quote.state is "accepted"
//	reposted_by GET /api/v1/statuses/:id/reblogged_by?limit=80: repost B → author,
//	              PostID = the status uri, At zero
//	likes       GET /api/v1/statuses/:id/favourited_by?limit=80: like L → author,
//	              PostID = the status uri, At zero
//	replies     GET /api/v1/statuses/:id/context: each descendant R with
//	              in_reply_to_id = the status: reply R.account → author, PostID =
//	              R.uri, At = R.created_at, the same event the replier's own
//	              posts feed yields, so the store keeps it once
//
//	tag_posts   GET /api/v1/timelines/tag/:hashtag?limit=40 on the instance
//	              Task.Owner, anonymous: each status S as in posts (its author
//	              is also Found: a participant), boosts never listed
//
// Posts (Page.PostRecords): every own status read (posts, tag_posts) with its
// uri, author, time, lower-cased tags, kind (quote when an accepted quote,
// reply when in_reply_to_id is set, else original), quoted uri as Parent, and
// the text of its HTML content (tags stripped, entities decoded; the engine
// keeps it only with --keep-text); every boost in a posts feed as a repost
// post (the Announce uri, Parent = the original's uri); every direct reply
// read from a context as a reply post whose Parent is the subject. A reply
// read elsewhere has Parent "" (the API names its parent by an
// instance-local id only; resolving it would cost a request per reply).
//
// Self-loops (self-replies, self-mentions, boosting oneself) are not emitted.
// Quotes of a post need a user token (GET /api/v1/statuses/:id/quotes), so the
// Quotes endpoint is not offered; quotes are still found from the quoting
// account's own posts.
//
// Posts. Page.Posts lists the global ActivityPub uri of each own status, the
// same string its edges carry as PostID (so the engine can drop the edges of
// posts beyond --posts), and the uri is the Subject of the post's engagement
// tasks. Instance-local ids cannot be PostIDs: the same boost seen from the
// booster's instance and from the author's instance would carry two
// different ids. The engagement endpoints take the id local to the author's
// home instance, which the posts feed records in a bounded in-memory map;
// after a restart the author's feed is read again until the status shows up
// (one request per 40 statuses, once per author), and a status no longer
// there yields an empty list.
//
// Pagination follows the Link header's rel="next" URL verbatim; the whole URL
// is the cursor. A list ends when there is no rel="next" (Mastodon sends one
// only after a full page). A next URL equal to the one just read ends the list.
// A list the owner hides (hide_collections, or a first page [] while the
// account reports a non-zero count) is returned as Page.Hidden, not as empty.
//
// # Cost and pacing
//
// Mastodon allows an anonymous client 300 requests per 5 minutes per IP, and
// 300 per 15 minutes for "paged" requests (any request carrying max_id,
// min_id, since_id or page: every page after the first). X-RateLimit-Reset is
// an ISO 8601 timestamp, and a 429 carries no Retry-After. clout paces at
// DefaultRate, half of the paging budget: one request every 6 s per instance.
//
// What it costs: a follower list of N accounts takes 1 lookup plus ⌈N/80⌉
// requests. Followers of an account with 100,000 followers: 1,250 requests,
// about 2 h 5 min at the default pace (about 62 min at the full paging limit of
// one request per 3 s). N posts take ⌈N/40⌉ requests; engagement adds, per post,
// at least one request each for reblogged_by, favourited_by and context. The
// limits are per instance, so a crawl spread over many instances runs them in
// parallel.
//
// A tag crawl reads each instance's hashtag timeline at 40 posts a request,
// newest first, down to --since (status ids are opaque, so the timeline is
// read from now back to the window: a window a month old costs the pages
// of every newer post too). With --engagement each post adds reblogged_by,
// favourited_by and context on its author's home instance (3 requests, more
// for long lists), plus, once per remote author after a restart, reading its
// feed to find the post's home id; a reply whose parent's author is not
// mentioned costs one account lookup per account and instance. 500 posts on
// one instance: 13 timeline requests and about 1,500 engagement requests,
// spread over the authors' home instances.
package mastodon
