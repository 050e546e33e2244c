package store

import (
	"context"
	"fmt"
	"strings"
)

// AccountInfo is an account row as reports show it.
type AccountInfo struct {
	ID        int64
	Platform  string
	Key       string
	Handle    string
	Name      string
	Followers int64 // reported by the platform; -1 if unknown
	Following int64
	Posts     int64
}

// Label is how reports name the account: its handle when it has one, else its key.
func (a *AccountInfo) Label() string {
	if a.Handle != "" {
		return a.Handle
	}
	return a.Key
}

const accountCols = "id, platform, key, coalesce(handle, ''), coalesce(name, ''), coalesce(followers_count, -1), coalesce(following_count, -1), coalesce(posts_count, -1)"

func scanAccount(sc interface{ Scan(...any) error }) (AccountInfo, error) {
	var a AccountInfo
	err := sc.Scan(&a.ID, &a.Platform, &a.Key, &a.Handle, &a.Name, &a.Followers, &a.Following, &a.Posts)
	return a, err
}

// Accounts returns the accounts with the given ids, in the order given.
// Unknown ids are an error.
func (s *Store) Accounts(ctx context.Context, ids []int64) ([]AccountInfo, error) {
	out := make([]AccountInfo, len(ids))
	pos := make(map[int64][]int, len(ids))
	for i, id := range ids {
		pos[id] = append(pos[id], i)
	}
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(len(ids), start+chunk)]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE id IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+")", args...)
		if err != nil {
			return nil, s.openError(err)
		}
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				rows.Close()
				return nil, s.openError(err)
			}
			for _, i := range pos[a.ID] {
				out[i] = a
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.openError(err)
		}
	}
	for i, a := range out {
		if a.ID == 0 {
			return nil, fmt.Errorf("database %s: no account with id %d", s.path, ids[i])
		}
	}
	return out, nil
}

// AllAccounts calls fn for every account (of platform, "" = all) in id order.
func (s *Store) AllAccounts(ctx context.Context, platform string, fn func(AccountInfo) error) error {
	q, args := "SELECT "+accountCols+" FROM accounts ORDER BY id", []any{}
	if platform != "" {
		q, args = "SELECT "+accountCols+" FROM accounts WHERE platform = ? ORDER BY id", []any{platform}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return s.openError(err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return s.openError(err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindAccounts returns the accounts a user-typed name can mean: an exact key
// (DID, username@domain, numeric id, edge-list label), or a handle compared
// case-insensitively, with or without a leading '@'. platform "" searches
// every platform. Several results mean the name is ambiguous.
func (s *Store) FindAccounts(ctx context.Context, name, platform string) ([]AccountInfo, error) {
	name = strings.TrimSpace(name)
	bare := strings.TrimPrefix(name, "@")
	q := "SELECT " + accountCols + " FROM accounts WHERE (key = ?1 OR key = ?2 OR handle = ?2 COLLATE NOCASE)"
	args := []any{name, bare}
	if platform != "" {
		q += " AND platform = ?3"
		args = append(args, platform)
	}
	q += " ORDER BY (key = ?1 OR key = ?2) DESC, id LIMIT 20"
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	var out []AccountInfo
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, s.openError(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.openError(err)
	}
	// An exact key match wins over handles that merely look the same.
	if len(out) > 1 && (out[0].Key == name || out[0].Key == bare) && !(out[1].Key == name || out[1].Key == bare) {
		out = out[:1]
	}
	return out, nil
}

// CompleteAccounts returns up to limit handles or keys starting with prefix,
// for shell completion.
func (s *Store) CompleteAccounts(ctx context.Context, prefix string, limit int) ([]string, error) {
	prefix = strings.TrimPrefix(prefix, "@")
	like := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(prefix) + "%"
	rows, err := s.db.QueryContext(ctx, `SELECT coalesce(handle, key) AS n FROM accounts
		WHERE handle LIKE ?1 ESCAPE '\' OR key LIKE ?1 ESCAPE '\' ORDER BY n LIMIT ?2`, like, limit)
	if err != nil {
		return nil, s.openError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, s.openError(err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
