// Package jetstreamtest is an in-process Jetstream: a websocket server that
// speaks the v1 /subscribe protocol (protocols.md §7.1) and replays a
// scripted stream, for tests and benchmarks that must not touch the network.
//
// It honours wantedCollections (identity and account events pass every
// filter, as on the real server), cursor (replay from the first message
// stamped at or after it) and compress=true (one zstd frame per message,
// with Jetstream's dictionary, as binary messages). It can drop connections
// after a number of messages and deliver messages that are not JSON, of
// unknown collections, or with records of unexpected shape: whatever the
// script holds is sent as it is.
package jetstreamtest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/klauspost/compress/zstd"
)

// Message is one message of a script. TimeUS is its position for cursors:
// the event's time_us, or for a message without one (junk) the time of the
// one before. Collection is the commit's collection ("" for other kinds),
// for wantedCollections.
type Message struct {
	TimeUS     int64
	Collection string
	Data       []byte
}

// Script is the stream a Server replays, in order of non-decreasing TimeUS.
type Script interface {
	Len() int
	Message(i int) Message
}

// Messages is a Script held in memory.
type Messages []Message

// Len is the number of messages.
func (m Messages) Len() int { return len(m) }

// Message returns message i.
func (m Messages) Message(i int) Message { return m[i] }

// Server is a fake Jetstream. Set its fields before the first connection.
type Server struct {
	// URL is the ws:// URL of /subscribe.
	URL    string
	script Script
	http   *httptest.Server
	dict   []byte

	// Drops[i] makes connection i (0-based) close abruptly, without a close
	// frame, after sending that many messages; 0 or beyond the list: no drop.
	Drops []int
	// OnSend, when set, is called after each message is sent, with its index
	// in the script (tests cancel a capture from it).
	OnSend func(i int)
	// Rate, when positive, paces the stream to this many messages a second.
	Rate float64
	// CloseAtEnd closes the connection after the last message instead of
	// holding it open like a quiet live stream.
	CloseAtEnd bool

	// frames are the compressed messages, when Precompress made them.
	frames [][]byte

	mu      sync.Mutex
	cursors []string // the cursor parameter of each connection ("" if none)
	conns   atomic.Int64
	sent    atomic.Int64
}

// New starts a server replaying script. dict is Jetstream's zstd dictionary
// (jetstream.Dictionary()), used for compress=true.
func New(script Script, dict []byte) *Server {
	s := &Server{script: script, dict: dict}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = "ws" + strings.TrimPrefix(s.http.URL, "http") + "/subscribe"
	return s
}

// Precompress encodes every message once, ahead of time, for
// compress=true: encoding with the dictionary costs the server far more than
// decoding costs the client, and a benchmark measures the client.
func (s *Server) Precompress() error {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDict(s.dict), zstd.WithWindowSize(1<<17), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	defer enc.Close()
	s.frames = make([][]byte, s.script.Len())
	for i := range s.frames {
		s.frames[i] = enc.EncodeAll(s.script.Message(i).Data, nil)
	}
	return nil
}

// Close stops the server and every connection.
func (s *Server) Close() {
	s.http.CloseClientConnections()
	s.http.Close()
}

// Cursors returns the cursor parameter each connection asked for, in order
// ("" for none).
func (s *Server) Cursors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.cursors)
}

// Connections is how many connections were accepted.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Sent is how many messages were sent in all.
func (s *Server) Sent() int64 { return s.sent.Load() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/subscribe" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	var cursor int64
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil {
			http.Error(w, "invalid cursor", http.StatusBadRequest)
			return
		}
		cursor = n
	}
	wanted := q["wantedCollections"]
	compress := q.Get("compress") == "true" || r.Header.Get("Socket-Encoding") == "zstd"
	var enc *zstd.Encoder
	if compress && s.frames == nil {
		var err error
		enc, err = zstd.NewWriter(nil, zstd.WithEncoderDict(s.dict), zstd.WithWindowSize(1<<17), zstd.WithEncoderConcurrency(1))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer enc.Close()
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	n := int(s.conns.Add(1)) - 1
	s.mu.Lock()
	s.cursors = append(s.cursors, q.Get("cursor"))
	s.mu.Unlock()
	drop := 0
	if n < len(s.Drops) {
		drop = s.Drops[n]
	}
	// The client sends nothing clout needs; reading keeps pings answered
	// and notices the client leaving.
	ctx := conn.CloseRead(r.Context())

	// Replay from the first message at or after the cursor.
	start := 0
	if cursor > 0 {
		start = sort.Search(s.script.Len(), func(i int) bool { return s.script.Message(i).TimeUS >= cursor })
	}
	// Pacing: message k of the connection is due at begin + k/Rate; the
	// server sleeps only when it is ahead, so the rate holds on average
	// however coarse the timer.
	begin := time.Now()
	sent := 0
	var buf []byte
	for i := start; i < s.script.Len(); i++ {
		m := s.script.Message(i)
		if m.Collection != "" && len(wanted) > 0 && !matches(wanted, m.Collection) {
			continue
		}
		if s.Rate > 0 {
			due := begin.Add(time.Duration(float64(sent) / s.Rate * float64(time.Second)))
			if d := time.Until(due); d > time.Millisecond {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			}
		}
		typ, data := websocket.MessageText, m.Data
		switch {
		case compress && s.frames != nil:
			typ, data = websocket.MessageBinary, s.frames[i]
		case enc != nil:
			buf = enc.EncodeAll(m.Data, buf[:0])
			typ, data = websocket.MessageBinary, buf
		}
		if err := conn.Write(ctx, typ, data); err != nil {
			return
		}
		s.sent.Add(1)
		sent++
		if s.OnSend != nil {
			s.OnSend(i)
		}
		if drop > 0 && sent >= drop {
			return // CloseNow: no close frame, like a lost connection
		}
	}
	if s.CloseAtEnd {
		conn.Close(websocket.StatusNormalClosure, "end of script")
		return
	}
	<-ctx.Done()
}

// matches reports whether collection is wanted: an NSID or a prefix.* .
func matches(wanted []string, collection string) bool {
	for _, w := range wanted {
		if w == collection {
			return true
		}
		if p, ok := strings.CutSuffix(w, ".*"); ok && strings.HasPrefix(collection, p+".") {
			return true
		}
	}
	return false
}
