package jetstream

import (
	"context"
	"fmt"
	"sync"
)

// ProfileStore is what hydration needs beyond Store, to know which accounts
// still lack a profile; *store.Store implements it. Without it every
// account met is asked for once per run.
type ProfileStore interface {
	// Unprofiled returns the keys among keys (or, with keys nil, up to
	// limit keys of the platform) whose account has neither a handle nor
	// a reported follower count.
	Unprofiled(ctx context.Context, platform string, keys []string, limit int) ([]string, error)
}

// maxPending bounds the accounts waiting for their profile; more are left
// for the next run, which finds them through ProfileStore.
const maxPending = 200000

// hydrator reads the profiles of accounts new to the kept data on its own
// goroutine, a batch at a time, and stores each batch in a transaction of
// its own (profiles are attributes: they need no cursor).
type hydrator struct {
	st   Store
	cfg  Config
	mu   sync.Mutex
	wait []string
	wake chan struct{}
	quit chan bool // true: finish the queue first
	done chan struct{}
}

func startHydrator(ctx context.Context, st Store, cfg Config) *hydrator {
	h := &hydrator{st: st, cfg: cfg, wake: make(chan struct{}, 1), quit: make(chan bool, 1), done: make(chan struct{})}
	go h.run(ctx)
	return h
}

// add queues keys (already filtered for repeats by the caller).
func (h *hydrator) add(keys []string) {
	h.mu.Lock()
	room := maxPending - len(h.wait)
	h.wait = append(h.wait, keys[:min(len(keys), max(room, 0))]...)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// pending is how many accounts wait for their profile.
func (h *hydrator) pending() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.wait)
}

// close stops the hydrator; with finish, after the queue is read.
func (h *hydrator) close(ctx context.Context, finish bool) {
	h.quit <- finish
	<-h.done
}

func (h *hydrator) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := min(len(h.wait), h.cfg.ProfileBatch*4)
	out := h.wait[:n:n]
	h.wait = h.wait[n:]
	if len(h.wait) == 0 {
		h.wait = nil
	}
	return out
}

func (h *hydrator) run(ctx context.Context) {
	defer close(h.done)
	ps, _ := h.st.(ProfileStore)
	if ps != nil {
		// Accounts of earlier runs still without a profile (a run stopped
		// before reading them).
		if keys, err := ps.Unprofiled(ctx, Platform, nil, maxPending); err == nil {
			h.add(keys)
		}
	}
	finishing := false
	for {
		keys := h.take()
		if len(keys) == 0 {
			if finishing {
				return
			}
			select {
			case <-ctx.Done():
				return
			case f := <-h.quit:
				if !f {
					return
				}
				finishing = true
			case <-h.wake:
			}
			continue
		}
		if ps != nil {
			var err error
			if keys, err = ps.Unprofiled(ctx, Platform, keys, 0); err != nil {
				h.logf("jetstream: profiles: %v", err)
				return
			}
		}
		for len(keys) > 0 {
			n := min(len(keys), h.cfg.ProfileBatch)
			if err := h.hydrate(ctx, keys[:n]); err != nil {
				if ctx.Err() != nil {
					return
				}
				h.logf("jetstream: profiles of %d accounts: %v (they are asked for again next run)", n, err)
			}
			keys = keys[n:]
			select {
			case f := <-h.quit:
				if !f {
					return
				}
				finishing = true
			default:
			}
		}
	}
}

func (h *hydrator) hydrate(ctx context.Context, keys []string) error {
	accs, err := h.cfg.Profiles.Profiles(ctx, keys)
	if err != nil || len(accs) == 0 {
		return err
	}
	sink, err := h.st.ListenBegin(ctx)
	if err != nil {
		return err
	}
	tx, ok := sink.(Tx)
	if !ok {
		return fmt.Errorf("the store's transaction %T is not a listener transaction", sink)
	}
	for _, a := range accs {
		a.Platform = Platform
		if err := tx.Account(a); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	h.cfg.Stats.Hydrated.Add(int64(len(accs)))
	return nil
}

func (h *hydrator) logf(format string, args ...any) {
	if h.cfg.Logf != nil {
		h.cfg.Logf(format, args...)
	}
}
