// Package blueskytest is a fake Bluesky AppView for tests: a deterministic
// World (accounts, follows, posts with replies, quotes, mentions and
// hashtags, reposts, likes, pinned posts) served by an httptest server that
// speaks the real XRPC protocol — paths, JSON shapes with their $type
// fields, cursor pagination honouring limit, RateLimit-* headers on every
// response, XRPC error bodies — with fault knobs for 429s, 5xx bursts, slow,
// truncated and HTML responses and cursor oddities.
//
// World.Expected computes, from the world's own data, what a complete crawl
// must store; it shares no code with package bluesky.
package blueskytest
