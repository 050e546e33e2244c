// Package store keeps clout's data in one SQLite file: accounts, follow edges,
// interaction events and crawl state. It is the only package that speaks SQL.
//
// Writes go through a Tx, which implements graph.Sink: a source writes
// accounts and edges into it and the whole transaction lands or nothing does.
// Reads load the chosen layer straight into a compact graph.Graph.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Store is an open clout database.
type Store struct {
	path string
	db   *sql.DB
	now  func() time.Time

	// mu serialises write transactions: SQLite has one writer, and the
	// account-id cache below is only touched under it.
	mu  sync.Mutex
	ids idCache
}

// Options tunes Open. The zero value is right for the command line.
type Options struct {
	// Clock returns the time stamped on first_seen/last_seen; tests fix it.
	Clock func() time.Time
	// MustExist refuses to create a new file (for commands that only read).
	MustExist bool
}

// ErrNoDatabase is returned by Open with MustExist when the file is missing.
var ErrNoDatabase = errors.New("no database")

// Open opens (or creates) the clout database at path and brings its schema up
// to date.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("database path is empty")
	}
	if st, err := os.Stat(path); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("database %s: %w", path, err)
		}
		if o.MustExist {
			return nil, fmt.Errorf("%w at %s: import or crawl something first (clout import csv FILE), or name another file with --db", ErrNoDatabase, path)
		}
	} else if st.IsDir() {
		return nil, fmt.Errorf("database %s is a directory, not a file", path)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_cache_size", "-524288") // KiB: room for a large import's B-tree pages
	q.Set("_foreign_keys", "0")
	dsn := "file:" + escapePath(path) + "?" + q.Encode()
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{path: path, db: db, now: o.Clock, ids: newIDCache()}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// escapePath makes a file name safe inside a file: URI (a '?' or '#' in the
// name would otherwise start the query or fragment).
func escapePath(p string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return r.Replace(p)
}

// Path is the file this store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB gives read access for queries this package does not wrap. Writers must
// use Begin.
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return s.openError(err)
	}
	if version > SchemaVersion {
		return fmt.Errorf("database %s was written by a newer clout (schema version %d; this clout knows up to %d): upgrade clout to read it", s.path, version, SchemaVersion)
	}
	if version == SchemaVersion {
		return nil
	}
	if version == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
			return s.openError(err)
		}
		if n > 0 {
			return fmt.Errorf("database %s is an SQLite file but not a clout database (it has tables and no clout schema version): name another file with --db", s.path)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.openError(err)
	}
	defer tx.Rollback()
	for v := version; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("database %s: upgrade schema to version %d: %w", s.path, v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		return fmt.Errorf("database %s: set schema version: %w", s.path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database %s: commit schema: %w", s.path, err)
	}
	return nil
}

// openError turns SQLite's terse codes into something a user can act on.
func (s *Store) openError(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB:
			return fmt.Errorf("%s is not a clout database (not an SQLite file): name another file with --db", s.path)
		case sqlite3.ErrCantOpen:
			return fmt.Errorf("cannot open database %s: check that its directory exists and is writable", s.path)
		case sqlite3.ErrCorrupt:
			return fmt.Errorf("database %s is corrupt: %w", s.path, err)
		}
	}
	return fmt.Errorf("database %s: %w", s.path, err)
}
