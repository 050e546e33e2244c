package jetstream

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clout-cli/clout/graph"
	"github.com/clout-cli/clout/graph/source/jetstream/jetstreamtest"
)

// randomChat is a random conversation over a few accounts: tagged posts
// (facet, record or text tags, any case), replies and quotes of earlier
// posts kept or not, likes and reposts, and the faults of a live stream.
// Messages are 50 ms apart, so the 5 s rewind of a resume replays ~100.
func randomChat(seed uint64, n int) *jetstreamtest.Builder {
	r := rand.New(rand.NewPCG(seed, 7))
	b := jetstreamtest.NewBuilder(t0)
	b.StepUS = 50000
	dids := make([]string, 12)
	for i := range dids {
		dids[i] = fmt.Sprintf("did:plc:user%02d", i)
	}
	var posts []string
	earlier := func() string {
		if len(posts) == 0 {
			return "at://did:plc:nobody/app.bsky.feed.post/none"
		}
		return posts[len(posts)-1-r.IntN(min(len(posts), 30))]
	}
	for i := range n {
		who := dids[r.IntN(len(dids))]
		rkey := fmt.Sprintf("k%04d", i)
		switch k := r.IntN(100); {
		case k < 30:
			var o jetstreamtest.PostOpts
			text := "words words"
			switch r.IntN(8) {
			case 0:
				o.FacetTags = []string{"ChatHour"}
			case 1:
				text += " #chathour!"
			case 2:
				o.RecordTags = []string{"CHATHOUR"}
			case 3:
				text += " #chathours" // another tag
			}
			switch r.IntN(4) {
			case 0:
				p := earlier()
				o.Reply.Parent, o.Reply.Root = p, p
			case 1:
				o.Quote = earlier()
			}
			if r.IntN(4) == 0 {
				o.Mentions = []string{dids[r.IntN(len(dids))]}
			}
			posts = append(posts, b.Post(who, rkey, text, o))
		case k < 65:
			b.Like(who, rkey, earlier())
		case k < 85:
			b.Repost(who, rkey, earlier())
		case k < 88:
			b.Raw(`{"did":"did:plc:x","time_us":`) // truncated
		case k < 90:
			b.Stray(who, "app.bsky.graph.follow", rkey, map[string]any{"subject": dids[0]})
		case k < 92:
			b.Post(who, rkey, "", jetstreamtest.PostOpts{ExtraFields: map[string]any{"text": []int{1}}})
		case k < 95:
			b.Identity(who, "h-"+who)
		default:
			b.Commit(who, "delete", "app.bsky.feed.like", rkey, nil)
		}
	}
	return b
}

// fakeProfiles answers like getProfiles: every DID but those ending in 7.
type fakeProfiles struct{ calls atomic.Int64 }

func (f *fakeProfiles) Profiles(ctx context.Context, keys []string) ([]graph.Account, error) {
	if len(keys) > 25 {
		return nil, fmt.Errorf("%d actors in one call", len(keys))
	}
	f.calls.Add(1)
	var out []graph.Account
	for _, k := range keys {
		if strings.HasSuffix(k, "7") {
			continue
		}
		a := graph.NewAccount(Platform, k)
		a.Handle, a.Name, a.Followers = "h-"+k, "Name "+k, int64(len(k))
		out = append(out, a)
	}
	return out, nil
}

// TestListenKilledAndRestartedEqualsUninterrupted is the durability
// contract: a capture stopped at random moments, by Ctrl-C (context
// cancelled: what was read is committed) or by a crash (a commit lost, as
// with kill -9), and started again until it finishes, ends with exactly the
// database of a capture that was never interrupted.
func TestListenKilledAndRestartedEqualsUninterrupted(t *testing.T) {
	trials := 40
	if testing.Short() {
		trials = 8
	}
	var totalRuns, totalCrashes, totalCancels int
	defer func() {
		t.Logf("%d trials: %d runs, %d stopped by Ctrl-C, %d by a crash", trials, totalRuns, totalCancels, totalCrashes)
	}()
	for trial := range trials {
		b := randomChat(uint64(trial), 400)
		end := time.UnixMicro(b.TimeUS + 1)
		b.Account("did:plc:later", true) // the stream goes on past the end
		var mu sync.Mutex
		var cancelAt int64 = -1
		var cancel context.CancelFunc
		var sentThisRun atomic.Int64
		srv := jetstreamtest.New(b.Msgs, Dictionary())
		srv.OnSend = func(int) {
			n := sentThisRun.Add(1)
			mu.Lock()
			defer mu.Unlock()
			if n == cancelAt && cancel != nil {
				cancel()
			}
		}
		cfg := func() Config {
			c := testConfig(srv, end)
			c.Tags = []string{"#ChatHour"}
			c.Profiles = &fakeProfiles{}
			c.ProfileBatch = 5
			return c
		}

		ref := openStore(t)
		if _, err := Listen(context.Background(), ref, cfg()); err != nil {
			t.Fatal(err)
		}
		want := dump(t, ref)
		if !strings.Contains(want, "chathour") {
			t.Fatalf("trial %d: the reference capture kept nothing:\n%s", trial, want)
		}

		r := rand.New(rand.NewPCG(uint64(trial), 99))
		s := openStore(t)
		var commits atomic.Int64
		runs, crashes, cancels := 0, 0, 0
		for done := false; !done; runs++ {
			if runs > 60 {
				t.Fatalf("trial %d: no run finished after %d", trial, runs)
			}
			ctx, c := context.WithCancel(context.Background())
			sentThisRun.Store(0)
			cs := &crashStore{Store: s, commits: &commits}
			conf := cfg()
			conf.CommitEvents = 1 + r.IntN(40)
			mode := r.IntN(4)
			if runs >= 8 {
				mode = 3 // let it finish
			}
			mu.Lock()
			cancel, cancelAt = c, -1
			switch mode {
			case 0:
				cancelAt = 1 + r.Int64N(200)
			case 1:
				cs.failAt = commits.Load() + 1 + r.Int64N(6)
			case 2:
				cancelAt = 1 + r.Int64N(200)
				cs.failAt = commits.Load() + 1 + r.Int64N(6)
			}
			mu.Unlock()
			_, err := Listen(ctx, cs, conf)
			c()
			switch {
			case cs.crashed.Load():
				// The process died, whatever Listen returned (a crash in
				// the hydrator's commit is not seen by the listener).
				crashes++
			case err == nil:
				done = true
			case errors.Is(err, context.Canceled):
				cancels++
			case errors.Is(err, errCrash):
				crashes++
			default:
				t.Fatalf("trial %d run %d: %v", trial, runs, err)
			}
		}
		srv.Close()
		totalRuns, totalCrashes, totalCancels = totalRuns+runs, totalCrashes+crashes, totalCancels+cancels
		if got := dump(t, s); got != want {
			t.Fatalf("trial %d (%d runs: %d cancelled, %d crashed): restarted capture differs:\n%s\nuninterrupted:\n%s",
				trial, runs, cancels, crashes, got, want)
		}
	}
}
