package jetstreamtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Synthetic is a Script of n messages generated on demand, so that a
// benchmark can replay millions without holding them: message i is a
// function of (Seed, i) alone. Of the messages, about 20% are posts (1 in
// TagEvery carries #Tag, a third are replies), 60% likes and 15% reposts of
// a recent post, and the rest identity events. Engagement points at a
// recent message that is a post, so the tagged posts get their share.
type Synthetic struct {
	N        int
	Start    time.Time
	StepUS   int64
	Seed     uint64
	Accounts int
	Tag      string
	TagEvery int
}

// Len is N.
func (g *Synthetic) Len() int { return g.N }

func (g *Synthetic) rng(i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.Seed, uint64(i)))
}

// kind of message i: 0 post, 1 like, 2 repost, 3 identity.
func (g *Synthetic) kind(i int) int {
	r := g.rng(i).IntN(100)
	switch {
	case r < 20:
		return 0
	case r < 80:
		return 1
	case r < 95:
		return 2
	}
	return 3
}

func (g *Synthetic) did(n int) string { return fmt.Sprintf("did:plc:synth%08d", n%g.Accounts) }

// author of message i: the second draw of its generator (the first is
// its kind).
func (g *Synthetic) author(i int) string {
	r := g.rng(i)
	r.IntN(100)
	return g.did(r.IntN(1 << 30))
}

func (g *Synthetic) postURI(i int) string {
	return "at://" + g.author(i) + "/app.bsky.feed.post/p" + strconv.Itoa(i)
}

// recentPost returns the URI of a post shortly before i, "" if none.
func (g *Synthetic) recentPost(r *rand.Rand, i int) string {
	for try := 0; try < 20; try++ {
		j := i - 1 - r.IntN(2000)
		if j >= 0 && g.kind(j) == 0 {
			return g.postURI(j)
		}
	}
	return ""
}

// Message returns message i.
func (g *Synthetic) Message(i int) Message {
	t := g.Start.UnixMicro() + int64(i)*g.StepUS
	created := time.UnixMicro(t).UTC().Format("2006-01-02T15:04:05.000Z")
	r := g.rng(i)
	k := g.kind(i)
	_ = r.IntN(100) // the draw kind used
	rev := "3l" + strconv.FormatInt(int64(i), 36)
	switch k {
	case 0:
		did := g.did(r.IntN(1 << 30))
		text := "just a post about nothing in particular, number " + strconv.Itoa(i)
		facets := ""
		if g.TagEvery > 0 && r.IntN(g.TagEvery) == 0 {
			text += " #" + g.Tag
			facets = `,"facets":[{"index":{"byteStart":0,"byteEnd":4},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"` + g.Tag + `"}]}]`
		}
		reply := ""
		if r.IntN(3) == 0 {
			if p := g.recentPost(r, i); p != "" {
				reply = `,"reply":{"root":{"uri":"` + p + `","cid":"bafyreiroot"},"parent":{"uri":"` + p + `","cid":"bafyreiparent"}}`
			}
		}
		data := `{"did":"` + did + `","time_us":` + strconv.FormatInt(t, 10) + `,"kind":"commit","commit":{"rev":"` + rev +
			`","operation":"create","collection":"app.bsky.feed.post","rkey":"p` + strconv.Itoa(i) +
			`","record":{"$type":"app.bsky.feed.post","createdAt":"` + created + `","langs":["en"],"text":"` + text + `"` + facets + reply +
			`},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}`
		return Message{TimeUS: t, Collection: "app.bsky.feed.post", Data: []byte(data)}
	case 1, 2:
		coll := "app.bsky.feed.like"
		if k == 2 {
			coll = "app.bsky.feed.repost"
		}
		subject := g.recentPost(r, i)
		if subject == "" {
			subject = "at://did:plc:nobody/app.bsky.feed.post/x"
		}
		data := `{"did":"` + g.did(r.IntN(1<<30)) + `","time_us":` + strconv.FormatInt(t, 10) + `,"kind":"commit","commit":{"rev":"` + rev +
			`","operation":"create","collection":"` + coll + `","rkey":"r` + strconv.Itoa(i) +
			`","record":{"$type":"` + coll + `","createdAt":"` + created + `","subject":{"cid":"bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4","uri":"` + subject +
			`"}},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}}`
		return Message{TimeUS: t, Collection: coll, Data: []byte(data)}
	}
	did := g.did(r.IntN(1 << 30))
	data := `{"did":"` + did + `","time_us":` + strconv.FormatInt(t, 10) + `,"kind":"identity","identity":{"did":"` + did +
		`","handle":"synth` + strconv.Itoa(i) + `.bsky.social","seq":` + strconv.Itoa(i) + `,"time":"` + created + `"}}`
	return Message{TimeUS: t, Data: []byte(data)}
}
