package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/clout-cli/clout/graph"
)

// This file is the live listener's persistence (package jetstream's Store,
// Tx and ProfileStore interfaces, satisfied structurally: store does not
// import the source). The stream cursor lives in the meta table, under a key
// the listener names, and is written in the same transaction as the batch
// it ends, so a batch and its position land together.

// ListenBegin starts a write transaction for the listener; the graph.Sink is
// the *Tx.
func (s *Store) ListenBegin(ctx context.Context) (graph.Sink, error) {
	t, err := s.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ListenCursor returns the cursor committed under name; ok is false when
// none was.
func (s *Store) ListenCursor(ctx context.Context, name string) (int64, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("database %s: read cursor %s: %w", s.path, name, err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("database %s: cursor %s is %q, not a number", s.path, name, v)
	}
	return n, true, nil
}

// SetListenCursor records the cursor under name, in this transaction.
func (t *Tx) SetListenCursor(name string, cursor int64) error {
	_, err := t.conn.ExecContext(t.ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, name, strconv.FormatInt(cursor, 10))
	if err != nil {
		return fmt.Errorf("database %s: write cursor %s: %w", t.s.path, name, err)
	}
	return nil
}

// Unprofiled returns the keys among keys whose account on platform has
// neither a handle nor a reported follower count (or is not stored), in the
// order given. With keys nil it returns up to limit such accounts of the
// platform, by id.
func (s *Store) Unprofiled(ctx context.Context, platform string, keys []string, limit int) ([]string, error) {
	if keys == nil {
		rows, err := s.db.QueryContext(ctx, `SELECT key FROM accounts WHERE platform = ? AND handle IS NULL
			AND followers_count IS NULL ORDER BY id LIMIT ?`, platform, limit)
		if err != nil {
			return nil, fmt.Errorf("database %s: accounts without profile: %w", s.path, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return nil, fmt.Errorf("database %s: accounts without profile: %w", s.path, err)
			}
			out = append(out, k)
		}
		return out, rows.Err()
	}
	var out []string
	for len(keys) > 0 {
		n := min(len(keys), 500)
		chunk := keys[:n]
		keys = keys[n:]
		args := make([]any, 0, n+1)
		args = append(args, platform)
		for _, k := range chunk {
			args = append(args, k)
		}
		q := "SELECT key FROM accounts WHERE platform = ? AND (handle IS NOT NULL OR followers_count IS NOT NULL) AND key IN (?" +
			strings.Repeat(",?", n-1) + ")"
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("database %s: accounts without profile: %w", s.path, err)
		}
		have := map[string]bool{}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("database %s: accounts without profile: %w", s.path, err)
			}
			have[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("database %s: accounts without profile: %w", s.path, err)
		}
		for _, k := range chunk {
			if !have[k] {
				out = append(out, k)
			}
		}
	}
	return out, nil
}
