package csvedge

import (
	"strings"

	"github.com/clout-cli/clout/graph"
)

// relAction is what a NodeXL Relationship value makes of a row.
type relAction int

const (
	relEdge    relAction = iota // an edge Vertex 1 → Vertex 2 of the given kind
	relTweet                    // a tweet with no reply or mention: Vertex 1 is an account, no edge
	relIgnored                  // dropped by a design rule (RuleRepostMentions)
)

// relationshipsWanted lists the accepted Relationship values for messages.
const relationshipsWanted = "Tweet, Replies to, Mentions, Retweet, Quote, MentionsInRetweet, Mentions in Quote, Replies to in Quote or Follows/Followed"

// relationship maps a NodeXL Relationship value (case, spaces, '_' and '-'
// ignored) to what the row means. Vertex 1 is always the acting account:
//
//	Tweet                                   no edge; Vertex 1 is recorded as an account
//	Replies to / Mentions / Retweet         reply / mention / repost
//	Quote, Quotes, Quoted                   quote
//	MentionsInRetweet, Mentions in Retweet  dropped: a repost's own mentions belong to
//	                                        the original author, not to the reposter
//	Mentions in Quote, Replies to in Quote  mention: the quoter wrote the quote's text
//	Followed, Follows, Follower             follow (Vertex 1 follows Vertex 2)
func relationship(v string) (graph.Kind, relAction, bool) {
	key := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\t':
			return -1
		}
		return r
	}, strings.ToLower(v))
	switch key {
	case "tweet", "tweets":
		return 0, relTweet, true
	case "repliesto", "reply", "replies", "replyto":
		return graph.Reply, relEdge, true
	case "mentions", "mention":
		return graph.Mention, relEdge, true
	case "retweet", "retweets", "retweeted":
		return graph.Repost, relEdge, true
	case "quote", "quotes", "quoted":
		return graph.Quote, relEdge, true
	case "mentionsinretweet", "mentioninretweet":
		return 0, relIgnored, true
	case "mentionsinquote", "mentioninquote", "repliestoinquote", "replytoinquote":
		return graph.Mention, relEdge, true
	case "followed", "follows", "follower", "follow":
		return graph.Follow, relEdge, true
	}
	return 0, 0, false
}
