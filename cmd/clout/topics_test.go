package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/clout-cli/clout/graph/store"
)

func TestTopicsOnTwarc(t *testing.T) {
	db := twarcDB(t, "v1.jsonl", "page.jsonl", "stream.jsonl")
	out, errOut, code := cli(t, "", "--db", db, "topics")
	if code != 0 {
		t.Fatalf("topics exited %d: %s", code, errOut)
	}
	// Counted from the fixtures: #climate is alice's original and dave's
	// retweet of it, which carries the tag (one repost event); #foo and #bar
	// are bob's post 728, whose two mentions carry them (erin's reply to it
	// does not repeat them: rank --topic counts it, topics does not);
	// #longread is alice's 732 and its two mentions; #go is 247, a reply by
	// PoliceMutual, with its reply and mention; the #dogs post drew nothing.
	want := "tag,posts,authors,events,first,last\n" +
		"climate,2,2,1,2018-10-10T18:00:00Z,2018-10-10T20:20:00Z\n" +
		"rusia,2,2,1,2021-04-08T15:07:30Z,2021-04-08T19:34:16Z\n" +
		"bar,1,1,2,2018-10-10T20:19:24Z,2018-10-10T20:19:24Z\n" +
		"dogs,1,1,0,2021-04-01T15:53:42Z,2021-04-01T15:53:42Z\n" +
		"dogsoftwitter,1,1,0,2021-04-01T15:53:42Z,2021-04-01T15:53:42Z\n" +
		"foo,1,1,2,2018-10-10T20:19:24Z,2018-10-10T20:19:24Z\n" +
		"go,1,1,2,2021-04-08T19:36:00Z,2021-04-08T19:36:00Z\n" +
		"longread,1,1,2,2018-10-11T09:00:00Z,2018-10-11T09:00:00Z\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, _, _ = cli(t, "", "--db", db, "topics", "--top", "1", "--since", "2021-01-01", "--format", "tsv")
	if want := "tag\tposts\tauthors\tevents\tfirst\tlast\nrusia\t2\t2\t1\t2021-04-08T15:07:30Z\t2021-04-08T19:34:16Z\n"; out != want {
		t.Errorf("--top 1 --since: got\n%s\nwant\n%s", out, want)
	}
	// rank --topic counts those events and the ones on the conversation's
	// posts that do not repeat the tag.
	for _, tag := range []string{"foo", "climate", "longread", "go"} {
		r, _, _ := cli(t, "", "--db", db, "rank", "--format", "csv", "--top", "0", "--topic", tag)
		var sum int
		for _, row := range readCSV(t, r) {
			for _, col := range []string{"reposts", "quotes", "replies", "mentions", "likes"} {
				sum += atoi(t, row[col])
			}
		}
		want := map[string]int{"foo": 5, "climate": 1, "longread": 3, "go": 2}[tag]
		if sum != want {
			t.Errorf("rank --topic %s received %d events in all, want %d", tag, sum, want)
		}
	}
	if _, errOut, code := cli(t, "", "--db", db, "topics", "--top", "-1"); code != 2 {
		t.Errorf("--top -1 exited %d: %s", code, errOut)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a count: %q", s)
		}
		n = 10*n + int(c-'0')
	}
	return n
}

func TestImportKeepText(t *testing.T) {
	for _, keep := range []bool{false, true} {
		db := filepath.Join(t.TempDir(), "t.db")
		args := []string{"--db", db, "import", "twarc", repoFile("testdata", "twarc", "v1.jsonl")}
		if keep {
			args = append(args, "--keep-text")
		}
		if _, errOut, code := cli(t, "", args...); code != 0 {
			t.Fatalf("import exited %d: %s", code, errOut)
		}
		s, err := store.Open(context.Background(), db, store.Options{MustExist: true})
		if err != nil {
			t.Fatal(err)
		}
		var posts, withText int
		var sample sql.NullString
		s.DB().QueryRow("SELECT count(*), count(text) FROM posts").Scan(&posts, &withText)
		s.DB().QueryRow("SELECT text FROM posts WHERE post_id = '1050118621198921731'").Scan(&sample)
		s.Close()
		if posts != 8 {
			t.Errorf("keep=%v: %d posts, want 8", keep, posts)
		}
		if keep && (withText != 8 || sample.String == "") || !keep && (withText != 0 || sample.Valid) {
			t.Errorf("keep=%v: %d posts with text (sample %q)", keep, withText, sample.String)
		}
	}
}
