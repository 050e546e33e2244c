package jetstream

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/klauspost/compress/zstd"
)

// DefaultEndpoint is a Bluesky-run Jetstream host (protocols.md §7.1). Its
// time_us cursors are valid on every instance, so a capture may move hosts.
const DefaultEndpoint = "wss://jetstream2.us-east.bsky.network/subscribe"

// dictionary is Jetstream's zstd dictionary for compress=true (dictionary
// ID 1612007021), copied verbatim from github.com/bluesky-social/jetstream
// (internal/subscribe/dictionaries/legacy_subscribe.zdict, the v1
// pkg/models/zstd_dictionary); its license is in LICENSE-zstd_dictionary.
//
//go:embed zstd_dictionary
var dictionary []byte

// Dictionary returns a copy of Jetstream's zstd dictionary.
func Dictionary() []byte { return bytes.Clone(dictionary) }

// maxMessage is the largest message read; Jetstream's own events are a few
// KB (a record is at most 1 MB in a repository).
const maxMessage = 4 << 20

// clientConfig configures a subscription.
type clientConfig struct {
	endpoint    string
	collections []string
	compress    bool
	userAgent   string
	// idle is how long a connection may stay silent before it is taken for
	// dead and replaced (the live network sends hundreds of events a
	// second, and the server pings every 30 s).
	idle                   time.Duration
	minBackoff, maxBackoff time.Duration
	logf                   func(format string, args ...any)
	stats                  *Stats
}

// subscribeURL builds the /subscribe URL: the endpoint (ws, wss, http or
// https; the path /subscribe when it has none), wantedCollections, the
// cursor when there is one, compress=true when asked.
func subscribeURL(endpoint string, collections []string, cursor int64, compress bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return "", fmt.Errorf("jetstream endpoint %q: %w", endpoint, err)
	}
	switch u.Scheme {
	case "ws", "wss":
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("jetstream endpoint %q: want a wss:// (or ws://) URL", endpoint)
	}
	if u.Host == "" {
		return "", fmt.Errorf("jetstream endpoint %q: no host", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/subscribe"
	}
	q := u.Query()
	q.Del("wantedCollections")
	q.Del("cursor")
	q.Del("compress")
	for _, c := range collections {
		q.Add("wantedCollections", c)
	}
	if cursor > 0 {
		q.Set("cursor", strconv.FormatInt(cursor, 10))
	}
	if compress {
		q.Set("compress", "true")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// handlerError is an error of the message handler: it ends the
// subscription instead of causing a reconnect.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// subscribe reads the stream until ctx ends or handle fails, reconnecting
// after every connection fault with exponential backoff and jitter (reset
// once a connection delivered messages). cursor is asked at each connect for
// where to resume (0: live).
func subscribe(ctx context.Context, cfg clientConfig, cursor func() int64, handle func([]byte) error) error {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDicts(dictionary), zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(maxMessage))
	if err != nil {
		return fmt.Errorf("jetstream: zstd dictionary: %w", err)
	}
	defer dec.Close()
	failures := 0
	for first := true; ; first = false {
		if !first {
			cfg.stats.Reconnects.Add(1)
		}
		got, err := session(ctx, cfg, cursor(), dec, handle)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var he *handlerError
		if errors.As(err, &he) {
			return he.err
		}
		if got > 0 {
			failures = 0
		}
		failures++
		d := backoff(cfg.minBackoff, cfg.maxBackoff, failures)
		if cfg.logf != nil {
			cfg.logf("jetstream: %v; reconnecting in %s", err, d.Round(time.Millisecond))
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is min·2^(n-1), capped at max, with up to half of it added at
// random so that clients dropped together do not return together.
func backoff(minD, maxD time.Duration, n int) time.Duration {
	d := minD
	for i := 1; i < n && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	return d + rand.N(d/2+1)
}

// session is one connection: it returns how many messages it delivered and
// why it ended.
func session(ctx context.Context, cfg clientConfig, cursor int64, dec *zstd.Decoder, handle func([]byte) error) (int, error) {
	u, err := subscribeURL(cfg.endpoint, cfg.collections, cursor, cfg.compress)
	if err != nil {
		return 0, &handlerError{err}
	}
	h := http.Header{}
	if cfg.userAgent != "" {
		h.Set("User-Agent", cfg.userAgent)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPHeader: h})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			// The server refuses the request itself: a bad endpoint,
			// parameters it does not take. Retrying will not help.
			return 0, &handlerError{fmt.Errorf("jetstream %s: the server answered %s: check --endpoint", redact(u), resp.Status)}
		}
		return 0, fmt.Errorf("connect to %s: %w", redact(u), err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(maxMessage)
	// A watchdog closes a connection that stays silent for cfg.idle.
	watchdog := time.AfterFunc(cfg.idle, func() { conn.CloseNow() })
	defer watchdog.Stop()
	var buf bytes.Buffer
	var plain []byte
	n := 0
	for {
		typ, r, err := conn.Reader(ctx)
		if err != nil {
			return n, fmt.Errorf("read from %s: %w", redact(u), err)
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return n, fmt.Errorf("read from %s: %w", redact(u), err)
		}
		watchdog.Reset(cfg.idle)
		n++
		data := buf.Bytes()
		if typ == websocket.MessageBinary {
			// compress=true: one zstd frame per message, with the
			// dictionary. A frame that does not decode is handed on as it
			// is and counted as not JSON.
			if out, err := dec.DecodeAll(data, plain[:0]); err == nil {
				plain, data = out, out
			}
		}
		if err := handle(data); err != nil {
			return n, &handlerError{err}
		}
	}
}

// redact drops the query from a URL for messages (it holds only the
// collections and the cursor, but is long).
func redact(u string) string {
	s, _, _ := strings.Cut(u, "?")
	return s
}
