package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// runsSchemaV4 keeps saved rankings (clout rank --save NAME), so that two
// of them can be compared later (clout diff). Documented in the README:
//
//   - runs: one row per saved ranking: its name (unique), when it was
//     computed, the clout version, the data it was computed on (data_version:
//     counts of accounts, follows, events and posts, and the last event time,
//     so two runs on the same data say so), the parameters as JSON (layer,
//     weights, window, platform, topic, seeds, PageRank settings, sort
//     measure), the measures saved, and how many accounts it holds.
//   - scores: one row per (run, account, measure): the account's position in
//     the ranking and the value (NULL when the measure was empty for it).
const runsSchemaV4 = `
CREATE TABLE runs (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE,
	created_at    INTEGER NOT NULL,
	clout_version TEXT    NOT NULL,
	data_version  TEXT    NOT NULL,
	params        TEXT    NOT NULL,
	measures      TEXT    NOT NULL,
	accounts      INTEGER NOT NULL
);
CREATE TABLE scores (
	run     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	account INTEGER NOT NULL,
	rank    INTEGER NOT NULL,
	measure TEXT    NOT NULL,
	value   REAL,
	PRIMARY KEY (run, account, measure)
) WITHOUT ROWID;
`

// Run is a saved ranking.
type Run struct {
	ID          int64
	Name        string
	CreatedAt   time.Time
	Version     string
	DataVersion string
	// Params is the ranking's parameters as a JSON object.
	Params string
	// Measures are the measures saved, in column order.
	Measures []string
	Accounts int
}

// RunRow is one account of a saved ranking: its position (1 = first) and its
// value of each of the run's measures (NaN when empty).
type RunRow struct {
	Account int64
	Rank    int
	Values  []float64
}

// DataVersion describes the data a ranking is computed on by its content,
// not by the order it arrived in: counts of accounts, follows, events (by
// their counts) and posts, and the last event time.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	var accounts, follows, events, posts int64
	var last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM follows),
		(SELECT coalesce(sum(count), 0) FROM events), (SELECT count(*) FROM posts), (SELECT max(at) FROM events)`).
		Scan(&accounts, &follows, &events, &posts, &last)
	if err != nil {
		return "", s.openError(err)
	}
	v := fmt.Sprintf("accounts=%d follows=%d events=%d posts=%d", accounts, follows, events, posts)
	if last.Valid {
		v += " last_event=" + time.Unix(last.Int64, 0).UTC().Format(time.RFC3339)
	}
	return v, nil
}

// SaveRun stores r and its rows in one transaction, replacing a run of the
// same name; it returns the new run's id and whether one was replaced.
func (s *Store) SaveRun(ctx context.Context, r Run, rows []RunRow) (id int64, replaced bool, err error) {
	tx, err := s.Begin(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback()
	c := tx.Conn()
	res, err := c.ExecContext(ctx, "DELETE FROM runs WHERE name = ?", r.Name)
	if err != nil {
		return 0, false, s.openError(err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		replaced = true
		if _, err := c.ExecContext(ctx, "DELETE FROM scores WHERE run NOT IN (SELECT id FROM runs)"); err != nil {
			return 0, false, s.openError(err)
		}
	}
	res, err = c.ExecContext(ctx, "INSERT INTO runs (name, created_at, clout_version, data_version, params, measures, accounts) VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.Name, r.CreatedAt.Unix(), r.Version, r.DataVersion, r.Params, strings.Join(r.Measures, ","), len(rows))
	if err != nil {
		return 0, false, s.openError(err)
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, false, s.openError(err)
	}
	const per = 200
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / 5
		q := "INSERT INTO scores (run, account, rank, measure, value) VALUES " + strings.TrimSuffix(strings.Repeat("(?,?,?,?,?),", n), ",")
		_, err := c.ExecContext(ctx, q, args...)
		args = args[:0]
		return err
	}
	for _, row := range rows {
		for j, m := range r.Measures {
			var v any
			if !math.IsNaN(row.Values[j]) && !math.IsInf(row.Values[j], 0) {
				v = row.Values[j]
			}
			args = append(args, id, row.Account, row.Rank, m, v)
			if len(args) >= per*5 {
				if err := flush(); err != nil {
					return 0, false, s.openError(err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return 0, false, s.openError(err)
	}
	return id, replaced, tx.Commit()
}

// Runs lists the saved runs, oldest first.
func (s *Store) Runs(ctx context.Context) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, created_at, clout_version, data_version, params, measures, accounts FROM runs ORDER BY created_at, id")
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, s.openError(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	return out, nil
}

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var at int64
	var ms string
	err := sc.Scan(&r.ID, &r.Name, &at, &r.Version, &r.DataVersion, &r.Params, &ms, &r.Accounts)
	r.CreatedAt = time.Unix(at, 0).UTC()
	if ms != "" {
		r.Measures = strings.Split(ms, ",")
	}
	return r, err
}

// ErrNoRun is returned by FindRun for a name that names no saved run.
var ErrNoRun = errors.New("no such run")

// FindRun returns the run called name, or with id name when it is a number
// and no run has that name.
func (s *Store) FindRun(ctx context.Context, name string) (Run, error) {
	q := "SELECT id, name, created_at, clout_version, data_version, params, measures, accounts FROM runs WHERE name = ?"
	r, err := scanRun(s.db.QueryRowContext(ctx, q, name))
	if errors.Is(err, sql.ErrNoRows) {
		if id, perr := strconv.ParseInt(name, 10, 64); perr == nil {
			r, err = scanRun(s.db.QueryRowContext(ctx, strings.Replace(q, "name = ?", "id = ?", 1), id))
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, fmt.Errorf("database %s has no saved run %q (clout runs lists them): %w", s.path, name, ErrNoRun)
	}
	if err != nil {
		return Run{}, s.openError(err)
	}
	return r, nil
}

// RunRows returns the rows of run r in rank order, values in r.Measures
// order.
func (s *Store) RunRows(ctx context.Context, r Run) ([]RunRow, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT account, rank, measure, value FROM scores WHERE run = ? ORDER BY rank, account", r.ID)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	col := map[string]int{}
	for i, m := range r.Measures {
		col[m] = i
	}
	var out []RunRow
	for rows.Next() {
		var acc int64
		var rank int
		var m string
		var v sql.NullFloat64
		if err := rows.Scan(&acc, &rank, &m, &v); err != nil {
			return nil, s.openError(err)
		}
		if len(out) == 0 || out[len(out)-1].Account != acc {
			vals := make([]float64, len(r.Measures))
			for i := range vals {
				vals[i] = math.NaN()
			}
			out = append(out, RunRow{Account: acc, Rank: rank, Values: vals})
		}
		if i, ok := col[m]; ok && v.Valid {
			out[len(out)-1].Values[i] = v.Float64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	return out, nil
}

// DeleteRun removes the run called name and its scores.
func (s *Store) DeleteRun(ctx context.Context, name string) error {
	r, err := s.FindRun(ctx, name)
	if err != nil {
		return err
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{"DELETE FROM scores WHERE run = ?", "DELETE FROM runs WHERE id = ?"} {
		if _, err := tx.Conn().ExecContext(ctx, q, r.ID); err != nil {
			return s.openError(err)
		}
	}
	return tx.Commit()
}
