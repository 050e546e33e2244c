// Package twarc imports the JSON Lines files that twarc (Twitter API v1.1)
// and twarc2 (X/Twitter API v2) write, and turns them into accounts and
// interaction or follow edges on platform "twitter".
//
// The shape of each line is detected on its own, so files that mix outputs
// import as one:
//
//	v1.1 tweet       {"id_str", "user", ...}: twarc v1 search/filter/timeline output
//	twarc2 page      {"data": [...], "includes", "meta", "errors", "__twarc"}: one API
//	                 response page of tweets, or of users (followers, following)
//	flattened tweet  {"id", "text", "author", ...}: twarc2 flatten output, expansions inlined
//	stream line      {"data": {...}, "includes", "matching_rules"}: twarc2 stream output
//
// Also accepted, because twarc writes them too: flattened users ({"id",
// "username"} with the page's "__twarc" copied on, from a flattened followers
// page), v1.1 user objects ({"id_str", "screen_name"}: twarc v1 users), pages
// that carry only "errors" or "meta" (every requested item deleted, or an empty
// result), and v1.1 stream notices ("limit", "delete", ...), which carry no
// graph and are skipped.
//
// Account keys are the numeric user ids exactly as written (id_str, or the
// digits of a v2 string id); they are never read through a float.
//
// Edges, each from the author of the acting tweet, at its created_at, with
// PostID = the acting tweet's id and the tweet's hashtags (lower-cased, no '#'):
//
//	repost   the tweet is a retweet (v1.1 retweeted_status, v2 referenced_tweets
//	         type "retweeted") → the original's author. A retweet yields this
//	         edge only: its mentions (the "RT @x" one and the others copied from
//	         the original) and the original's own references belong to the
//	         original post. Its hashtags are the original's, because the
//	         retweet's own text and entities are truncated. When a v2 original
//	         is missing from includes, the mention entity at offset 3 ("RT @x:")
//	         names its author (the rule of DocNow/twarc-network PR#8).
//	quote    v1.1 quoted_status, v2 type "quoted" → the quoted tweet's author
//	reply    v1.1 in_reply_to_user_id_str, v2 in_reply_to_user_id (else the
//	         author of the "replied_to" tweet) → the replied-to account
//	mention  each distinct account in the tweet's mention entities (v1.1
//	         entities.user_mentions, or extended_tweet.entities for compat-mode
//	         tweets; v2 entities.mentions, by id or else by username through the
//	         line's user objects, case-insensitively)
//	follow   on a users page fetched from /2/users/ID/followers each user → ID;
//	         from /2/users/ID/following ID → each user (the URL is __twarc.url);
//	         no time, no post. A users page from any other URL gives accounts only.
//
// Embedded originals (v1.1 retweeted_status and quoted_status, v2
// includes.tweets) give no edges of their own: they may lie outside the
// collection and would be counted twice when they are also lines of it.
//
// Posts, when the sink is also a graph.PostSink: every tweet in the file is
// one, the embedded and included ones too (the store keeps each id once),
// with its author, time, kind (original, reply, quote, repost), parent,
// hashtags and text length; the text only with source.Options.KeepText. See
// posts.go for the exact rules.
// Self-loops are dropped. What cannot be resolved (a referenced tweet missing
// from includes, a mention of an unknown username, a tweet without author) is
// skipped without error; the "errors" array of a page is ignored. A
// created_at that is absent or unparseable (v2 RFC 3339, v1.1
// "Wed Oct 10 20:19:24 +0000 2018") leaves the edge time zero (unknown). Data
// items that are neither tweets (text) nor users (username), such as lists,
// spaces or tweet counts, are ignored.
//
// Every user object met is sent as an account: handle (username or
// screen_name), name, and the follower, following and post counts when given.
// Mention entities with an id, and v1.1 in_reply_to_user_id_str with
// in_reply_to_screen_name, give accounts with a handle and unknown counts.
package twarc
