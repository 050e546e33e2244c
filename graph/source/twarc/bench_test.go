package twarc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source"
)

// discard is a sink that drops everything.
type discard struct{ n int }

func (d *discard) Account(graph.Account) error { d.n++; return nil }
func (d *discard) Edge(graph.Edge) error       { d.n++; return nil }

type m = map[string]any

// benchUser is a v2 user with the fields twarc2 requests.
func benchUser(i int) m {
	return m{
		"id": fmt.Sprint(1000000000 + i), "username": fmt.Sprintf("user_%d", i), "name": fmt.Sprintf("User Number %d", i),
		"created_at": "2011-03-07T21:12:54.000Z", "protected": false, "verified": false, "location": "New Orleans, LA",
		"description":       "Sports Reporter/Anchor - Texas Tech Alumnus. Fan of drivers off the deck, going for 2 & the win, and telling stories.",
		"profile_image_url": "https://pbs.twimg.com/profile_images/1225444685969330176/czHvbjMd_normal.jpg",
		"url":               "https://t.co/dXDOy7GE4m", "pinned_tweet_id": "1343309474128343041",
		"public_metrics": m{"followers_count": 3216, "following_count": 763, "tweet_count": 14281, "listed_count": 56},
		"entities": m{"url": m{"urls": []m{{"start": 0, "end": 23, "url": "https://t.co/dXDOy7GE4m", "expanded_url": "https://www.wwltv.com", "display_url": "wwltv.com"}}},
			"description": m{"mentions": []m{{"start": 0, "end": 6, "username": "WWLTV"}}}},
	}
}

// benchTweet is a v2 tweet shaped like search/recent output, with the
// context annotations and URL entities that make up most of real pages.
func benchTweet(i, nUsers int) m {
	ann := []m{}
	for k := 0; k < 6; k++ {
		ann = append(ann, m{"domain": m{"id": "131", "name": "Unified Twitter Taxonomy", "description": "A taxonomy of user interests. "},
			"entity": m{"id": fmt.Sprint(847527650667094017 + k), "name": "Gaming", "description": "Gaming"}})
	}
	t := m{
		"id": fmt.Sprint(1377650090978992134 + i), "author_id": fmt.Sprint(1000000000 + i%nUsers),
		"conversation_id": fmt.Sprint(1377650090978992134 + i), "created_at": "2021-04-01T15:52:31.000Z",
		"text": "@user_1 Well done PD Max and handler PC Adam Fagan. Brilliant night work. What would we do with out our dogs #dogs https://t.co/YbMgHU5xRX",
		"lang": "en", "source": "Twitter for Android", "reply_settings": "everyone", "possibly_sensitive": false,
		"edit_history_tweet_ids": []string{fmt.Sprint(1377650090978992134 + i)},
		"public_metrics":         m{"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0, "impression_count": 0},
		"context_annotations":    ann,
		"entities": m{
			"mentions": []m{{"start": 0, "end": 7, "username": "user_1", "id": "1000000001"}, {"start": 40, "end": 47, "username": fmt.Sprintf("user_%d", (i+7)%nUsers)}},
			"hashtags": []m{{"start": 108, "end": 113, "tag": "dogs"}},
			"urls": []m{{"start": 114, "end": 137, "url": "https://t.co/YbMgHU5xRX", "expanded_url": "https://twitter.com/blackheart_265/status/1377650090978992134/photo/1",
				"display_url": "pic.twitter.com/YbMgHU5xRX", "media_key": "3_1377650087799754753"}},
			"annotations": []m{{"start": 24, "end": 29, "probability": 0.6443, "type": "Person", "normalized_text": "PD Max"}},
		},
	}
	switch i % 4 {
	case 0:
		t["referenced_tweets"] = []m{{"type": "retweeted", "id": "1377640162566496258"}}
	case 1:
		t["referenced_tweets"] = []m{{"type": "quoted", "id": "1377640162566496259"}}
	case 2:
		t["in_reply_to_user_id"] = "1000000001"
		t["referenced_tweets"] = []m{{"type": "replied_to", "id": "1377640162566496260"}}
	}
	return t
}

// benchPages returns n twarc2 pages of 100 tweets each.
func benchPages(n int) []byte {
	const perPage, nUsers = 100, 100
	var buf bytes.Buffer
	for p := 0; p < n; p++ {
		var data, users, tweets []m
		for i := 0; i < perPage; i++ {
			data = append(data, benchTweet(p*perPage+i, nUsers))
			users = append(users, benchUser(i))
		}
		for i := 0; i < 3; i++ {
			tw := benchTweet(i, nUsers)
			tw["id"] = fmt.Sprint(1377640162566496258 + i)
			delete(tw, "referenced_tweets")
			tweets = append(tweets, tw)
		}
		page := m{"data": data, "includes": m{"users": users, "tweets": tweets},
			"meta":    m{"result_count": perPage, "next_token": "b26v89c19zqg8o3fosns4l4unuhs7yh6cphhpbq4ymrgd"},
			"__twarc": m{"url": "https://api.twitter.com/2/tweets/search/recent?query=dogs&max_results=100", "version": "2.13.0", "retrieved_at": "2021-04-08T19:34:32+00:00"}}
		b, err := json.Marshal(page)
		if err != nil {
			panic(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// benchV1 returns n v1.1 tweets, the first four lines of the v1 fixture
// repeated (about 2.5 KB a tweet with its user object).
func benchV1(n int) []byte {
	var buf bytes.Buffer
	line, err := fixtureLines("v1.jsonl")
	if err != nil {
		panic(err)
	}
	for i := 0; i < n; i++ {
		buf.Write(line[i%4])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func benchImport(b *testing.B, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Import(context.Background(), bytes.NewReader(in), source.Options{Name: "bench"}, &discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTwarc2Pages imports about 30 MB of twarc2 search pages (100
// pages of 100 tweets, ~300 KB a line).
func BenchmarkTwarc2Pages(b *testing.B) { benchImport(b, benchPages(100)) }

// BenchmarkTwarcV1 imports v1.1 tweets.
func BenchmarkTwarcV1(b *testing.B) { benchImport(b, benchV1(5000)) }
