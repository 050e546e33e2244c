package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/clout-cli/clout/graph/synth"
)

// eventOptions configures the interaction-event output (-events).
type eventOptions struct {
	Tag      string  // the topic tag carried by TagShare of the events
	TagShare float64 // share of all events whose post carries Tag
	Days     int     // events are spread uniformly over this many days from 2025-01-01
}

// eventKinds and their shares: reposts and likes dominate, as on the
// platforms.
var eventKinds = []struct {
	name  string
	share float64
}{{"repost", 0.35}, {"like", 0.30}, {"reply", 0.15}, {"mention", 0.12}, {"quote", 0.08}}

// writeEvents writes o.Edges interaction events between the Chung–Lu pairs
// of o as CSV "source,target,kind,time,post_id,parent_id,hashtags", the
// columns clout import csv reads posts from (see csvedge's posts.go):
//
//   - event i of kind repost, quote, reply or mention is carried by the
//     source's post e<i>; repost, quote and reply have parent o<target>_<j>,
//     one of the target's four originals (j drawn uniformly);
//   - a like is on o<target>_<j> itself, and carries no hashtags, so that
//     originals stay untagged and the topic is exactly the tagged events;
//   - e.TagShare of all events (drawn among the non-likes) carry e.Tag;
//     30% of the others one of 1,000 tags t0..t999 (Zipf, s = 1.1).
//
// Times are Unix seconds, uniform over e.Days days from 2025-01-01 UTC. The
// same flags give the same bytes.
func writeEvents(ctx context.Context, o synth.Options, e eventOptions, stdout io.Writer) error {
	w := bufio.NewWriterSize(stdout, 1<<20)
	w.WriteString("source,target,kind,time,post_id,parent_id,hashtags\n")
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	zipf := rand.NewZipf(rng, 1.1, 1, 999)
	const start = 1735689600 // 2025-01-01T00:00:00Z
	span := int64(max(e.Days, 1)) * 86400
	nonLike := 1 - eventKinds[1].share
	var line []byte
	var i uint64
	err := synth.Generate(ctx, o, func(u, v uint32) error {
		x := rng.Float64()
		k := len(eventKinds) - 1
		for j, ek := range eventKinds {
			if x < ek.share {
				k = j
				break
			}
			x -= ek.share
		}
		kind := eventKinds[k].name
		at := start + rng.Int64N(span)
		j := rng.IntN(4)
		line = append(line[:0], 'u')
		line = strconv.AppendUint(line, uint64(u), 10)
		line = append(line, ",u"...)
		line = strconv.AppendUint(line, uint64(v), 10)
		line = append(line, ',')
		line = append(line, kind...)
		line = append(line, ',')
		line = strconv.AppendInt(line, at, 10)
		line = append(line, ',')
		original := fmt.Appendf(nil, "o%d_%d", v, j)
		if kind == "like" {
			line = append(line, original...)
			line = append(line, ",,"...)
		} else {
			line = append(line, 'e')
			line = strconv.AppendUint(line, i, 10)
			line = append(line, ',')
			if kind != "mention" {
				line = append(line, original...)
			}
			line = append(line, ',')
			switch y := rng.Float64(); {
			case y < e.TagShare/nonLike:
				line = append(line, e.Tag...)
			case y < e.TagShare/nonLike+0.3:
				line = append(line, 't')
				line = strconv.AppendUint(line, zipf.Uint64(), 10)
			}
		}
		line = append(line, '\n')
		i++
		_, err := w.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
