package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The follow layer snapshot: loading tens of millions of follow rows through
// SQLite costs ~0.3 µs a row however it is queried (measured: 2.5-3.7 s for
// 9.6M rows), while the same edges as a delta-coded byte stream load in a
// fraction of that. The snapshot is derived data: graph_cache rows named
// "follows", valid only while meta.follows_version still equals the version
// stored with them. Every change to follows bumps that version (triggers,
// and the bulk writer itself), so a stale snapshot is never read.
//
// Format: the packed edges src<<32|dst (account ids), sorted and unique,
// written as the uvarint of the difference to the previous one, in parts of
// at most snapshotPart edges.
const (
	snapshotName = "follows"
	snapshotPart = 1 << 22
)

// encodeSnapshot delta-codes sorted unique packed edges.
func encodeSnapshot(packed []uint64) []byte {
	out := make([]byte, 0, len(packed)*3)
	var prev uint64
	for _, p := range packed {
		out = binary.AppendUvarint(out, p-prev)
		prev = p
	}
	return out
}

// writeSnapshot replaces the follows snapshot with packed (sorted, unique,
// the whole follows table) at version, inside the transaction on conn.
func writeSnapshot(ctx context.Context, exec func(ctx context.Context, q string, args ...any) error, packed []uint64, version int64) error {
	if err := exec(ctx, "DELETE FROM graph_cache WHERE name = ?", snapshotName); err != nil {
		return err
	}
	for part := 0; part*snapshotPart < len(packed) || part == 0; part++ {
		chunk := packed[part*snapshotPart : min(len(packed), (part+1)*snapshotPart)]
		// Each part restarts the delta chain at zero, so parts decode alone.
		if err := exec(ctx, "INSERT INTO graph_cache (name, part, version, edges, data) VALUES (?, ?, ?, ?, ?)",
			snapshotName, part, version, len(chunk), encodeSnapshot(chunk)); err != nil {
			return err
		}
		if len(chunk) == 0 {
			break
		}
	}
	return nil
}

// errNoSnapshot means there is no valid snapshot; load from the table.
var errNoSnapshot = errors.New("no valid follows snapshot")

// loadSnapshot appends the snapshot's edges between nodes of l, or returns
// errNoSnapshot.
func (s *Store) loadSnapshot(ctx context.Context, l *Loaded, src, dst []uint32) ([]uint32, []uint32, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, s.openError(err)
	}
	defer conn.Close()
	// One read transaction, so the version and the parts are of one moment.
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return nil, nil, s.openError(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	var version string
	if err := conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'follows_version'").Scan(&version); err != nil {
		return nil, nil, errNoSnapshot
	}
	v, _ := strconv.ParseInt(version, 10, 64)
	var total int64
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(edges), 0) FROM graph_cache WHERE name = ? AND version = ?",
		snapshotName, v).Scan(&n, &total); err != nil || n == 0 {
		return nil, nil, errNoSnapshot
	}
	var parts int
	conn.QueryRowContext(ctx, "SELECT count(*) FROM graph_cache WHERE name = ?", snapshotName).Scan(&parts)
	if parts != n {
		return nil, nil, errNoSnapshot // parts of different versions: never trust a mix
	}
	src, dst = grow(src, int(total)), grow(dst, int(total))
	rows, err := conn.QueryContext(ctx, "SELECT edges, data FROM graph_cache WHERE name = ? ORDER BY part", snapshotName)
	if err != nil {
		return nil, nil, s.openError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var edges int
		var data []byte
		if err := rows.Scan(&edges, &data); err != nil {
			return nil, nil, s.openError(err)
		}
		var p uint64
		for k := 0; k < edges; k++ {
			d, w := binary.Uvarint(data)
			if w <= 0 {
				return nil, nil, fmt.Errorf("database %s: graph_cache snapshot is damaged: delete its rows (DELETE FROM graph_cache) and run again", s.path)
			}
			data = data[w:]
			p += d
			u, uok := l.Node(int64(p >> 32))
			x, xok := l.Node(int64(p & (1<<32 - 1)))
			if uok && xok {
				src = append(src, u)
				dst = append(dst, x)
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
	}
	return src, dst, rows.Err()
}

// saveSnapshot stores the follow edges just loaded from the table (every
// follow between the nodes of an unfiltered load) as the snapshot, if the
// database can be written right now and nothing changed since version was
// read. It is best effort: a busy or read-only database just keeps no
// snapshot.
func (s *Store) saveSnapshot(ctx context.Context, l *Loaded, src, dst []uint32, version int64) {
	packed := make([]uint64, len(src))
	for i := range src {
		packed[i] = uint64(l.IDs[src[i]])<<32 | uint64(l.IDs[dst[i]])
	}
	radixSort(packed)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 100"); err != nil {
		return
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = 10000")
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	var now string
	if err := conn.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'follows_version'").Scan(&now); err != nil || now != strconv.FormatInt(version, 10) {
		return
	}
	exec := func(ctx context.Context, q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	}
	if writeSnapshot(ctx, exec, packed, version) != nil {
		return
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err == nil {
		committed = true
	}
}
