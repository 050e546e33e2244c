package snap

import "errors"

// ErrEmpty is returned (wrapped with the input's name) when an input holds no
// data lines at all: nothing but blank lines and comments, or nothing.
var ErrEmpty = errors.New("empty input: no edges")
