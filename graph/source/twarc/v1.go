package twarc

import "github.com/clout-cli/clout/graph"

// v1 imports a v1.1 tweet (twarc v1 output).
func (im *importer) v1(t *obj) error {
	if err := im.walkUsers(t); err != nil {
		return err
	}
	if err := im.posts(t); err != nil {
		return err
	}
	p := post{src: t.User.key(), id: t.key(), at: im.parseTime(t.CreatedAt)}
	if p.src == "" {
		im.stats.noAuthor++
		return nil
	}
	if rs := t.RetweetedStatus; rs != nil {
		p.tags = im.hashtags(v1Entities(rs))
		if p.tags == nil {
			p.tags = im.hashtags(v1Entities(t))
		}
		dst := rs.User.key()
		if dst == "" {
			im.stats.unresolvedRefs++
		}
		return im.edge(&p, graph.Repost, dst)
	}
	ents := v1Entities(t)
	p.tags = im.hashtags(ents)
	if qs := t.QuotedStatus; qs != nil {
		if err := im.edge(&p, graph.Quote, qs.User.key()); err != nil {
			return err
		}
	}
	reply := t.InReplyToUserIDStr
	if reply == "" {
		reply = string(t.InReplyToUserID)
	}
	if err := im.edge(&p, graph.Reply, reply); err != nil {
		return err
	}
	if ents == nil {
		return nil
	}
	im.done = im.done[:0]
	for i := range ents.UserMentions {
		if err := im.mention(&p, ents.UserMentions[i].key()); err != nil {
			return err
		}
	}
	return nil
}

// v1Entities returns the entities of a v1.1 tweet: those of extended_tweet
// for compat-mode tweets (the top-level ones cover the truncated text only).
func v1Entities(t *obj) *entities {
	if e := extendedEntities(t); e != nil {
		return e
	}
	return t.Entities
}
