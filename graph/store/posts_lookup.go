package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// HasPost reports whether post id of platform is stored.
func (s *Store) HasPost(ctx context.Context, platform, id string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM posts WHERE platform = ? AND post_id = ?", platform, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("database %s: look up post %s: %w", s.path, id, err)
	}
	return true, nil
}

// EachPostID calls fn with the id of every stored post of platform, in no
// particular order.
func (s *Store) EachPostID(ctx context.Context, platform string, fn func(id string) error) error {
	rows, err := s.db.QueryContext(ctx, "SELECT post_id FROM posts WHERE platform = ?", platform)
	if err != nil {
		return fmt.Errorf("database %s: read post ids: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("database %s: read post ids: %w", s.path, err)
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("database %s: read post ids: %w", s.path, err)
	}
	return nil
}
