package twarc

import (
	"unicode/utf8"

	"github.com/clout-cli/clout/graph"
)

// posts sends tweet t as a post, and then the tweets embedded in it (v1.1
// retweeted_status and quoted_status, v2 referenced tweets that twarc2
// flatten inlined), each once per line. Tweets named only by id (a v2
// referenced_tweets item without a body) are no post of their own: nothing
// is known of them but the id, which is their child's parent.
//
// What a post is, in the terms of the posts table:
//
//	kind     repost: v1.1 retweeted_status, v2 referenced "retweeted";
//	         reply: v1.1 in_reply_to_status_id(_str), v2 "replied_to";
//	         quote: v1.1 quoted_status(_id_str), v2 "quoted"; else original.
//	         A tweet that both replies and quotes is a reply.
//	parent   the id of the retweeted, replied-to or quoted tweet
//	hashtags the entities' hashtags (extended_tweet's for compat-mode
//	         tweets), lower-cased and without '#'; a retweet's are the
//	         original's when the original is known, as for its repost edge
//	text_len the characters (runes) of the full text: v2 note_tweet.text,
//	         else text; v1.1 extended_tweet.full_text, else full_text, else
//	         text. The text itself only with source.Options.KeepText.
func (im *importer) posts(t *obj) error {
	if im.postSink == nil || t == nil || !t.isTweet() {
		return nil
	}
	id := t.key()
	if id == "" {
		return nil
	}
	if _, ok := im.postSent[id]; ok {
		return nil
	}
	im.postSent[id] = struct{}{}
	p := graph.Post{Platform: platform, ID: id, Author: authorOf(t)}
	if p.Author == "" {
		p.Author = t.User.key()
	}
	p.At, _ = parseAt(t.CreatedAt)
	tagsOf := t
	switch {
	case t.RetweetedStatus != nil:
		p.Kind, p.Parent = graph.RepostPost, t.RetweetedStatus.key()
		tagsOf = t.RetweetedStatus
	case t.InReplyToStatusIDStr != "" || t.InReplyToStatusID != "":
		p.Kind, p.Parent = graph.ReplyPost, t.InReplyToStatusIDStr
		if p.Parent == "" {
			p.Parent = string(t.InReplyToStatusID)
		}
	case t.QuotedStatus != nil || t.QuotedStatusIDStr != "":
		p.Kind, p.Parent = graph.QuotePost, t.QuotedStatusIDStr
		if p.Parent == "" {
			p.Parent = t.QuotedStatus.key()
		}
	default:
		var rt, re, qt *obj
		for i := range t.ReferencedTweets {
			r := &t.ReferencedTweets[i]
			switch r.Type {
			case "retweeted":
				rt = r
			case "replied_to":
				re = r
			case "quoted":
				qt = r
			}
		}
		switch {
		case rt != nil:
			p.Kind, p.Parent = graph.RepostPost, rt.key()
			if body := im.body(rt); body != nil {
				tagsOf = body
			}
		case re != nil:
			p.Kind, p.Parent = graph.ReplyPost, re.key()
		case qt != nil:
			p.Kind, p.Parent = graph.QuotePost, qt.key()
		}
	}
	p.Hashtags = im.hashtags(v1Entities(tagsOf))
	if p.Hashtags == nil && tagsOf != t {
		p.Hashtags = im.hashtags(v1Entities(t))
	}
	text := fullText(t)
	p.TextLen = utf8.RuneCountInString(text)
	if im.keepText {
		p.Text = text
	}
	if err := im.postSink.Post(p); err != nil {
		return err
	}
	for _, s := range [...]*obj{t.RetweetedStatus, t.QuotedStatus} {
		if err := im.posts(s); err != nil {
			return err
		}
	}
	for i := range t.ReferencedTweets {
		if err := im.posts(&t.ReferencedTweets[i]); err != nil {
			return err
		}
	}
	return nil
}

// fullText is the untruncated text of a tweet.
func fullText(t *obj) string {
	switch {
	case t.NoteTweet != nil && t.NoteTweet.Text.set:
		return t.NoteTweet.Text.s
	case t.ExtendedTweet != nil && t.ExtendedTweet.FullText.set:
		return t.ExtendedTweet.FullText.s
	case t.FullText.set:
		return t.FullText.s
	}
	return t.Text.s
}
