package crawl

import (
	"time"
)

// progressEvery is the interval between Progress calls.
const progressEvery = 200 * time.Millisecond

// startProgress calls cfg.Progress every progressEvery until the returned
// function is called, which makes one last call.
func (e *engine) startProgress() (stop func()) {
	if e.cfg.Progress == nil {
		return func() {}
	}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(progressEvery)
		defer tk.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tk.C:
				e.cfg.Progress(e.progress())
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		e.cfg.Progress(e.progress())
	}
}

// rateSample is one observation of the request counter, for req/s.
type rateSample struct {
	at       time.Time
	requests int64
}

// rateWindow is how far back req/s looks.
const rateWindow = 10 * time.Second

// progress snapshots the crawl.
func (e *engine) progress() Progress {
	now := time.Now()
	st := e.stats()
	var p Progress
	e.commitMu.Lock()
	p.Frontier = len(e.known)
	p.AccountsQueued, p.AccountsDone, p.AccountsFailed = e.acc[0], e.acc[1], e.acc[2]
	e.commitMu.Unlock()
	e.mu.Lock()
	p.TasksOpen = len(e.byID)
	p.Profiles = len(e.profQueue)
	p.Pages = e.pages
	p.PostsStored = e.postsStored
	finished := e.finished
	e.samples = append(e.samples, rateSample{now, st.requests})
	for len(e.samples) > 2 && now.Sub(e.samples[1].at) > rateWindow {
		e.samples = e.samples[1:]
	}
	first := e.samples[0]
	e.mu.Unlock()
	p.Requests = st.requests - e.startRq
	p.Elapsed = now.Sub(e.start)
	if dt := now.Sub(first.at).Seconds(); dt > 0 {
		p.ReqPerSec = float64(st.requests-first.requests) / dt
	}
	if s := e.cfg.Stats; s != nil {
		if until := s.WaitingUntil.Load(); until > 0 {
			p.RateLimitWait = max(time.Unix(0, until).Sub(now), 0)
		}
	}
	if finished > 0 && p.TasksOpen > 0 {
		p.ETA = time.Duration(float64(p.Elapsed) / float64(finished) * float64(p.TasksOpen))
	}
	return p
}
