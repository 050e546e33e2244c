package bluesky

import (
	"errors"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

func errorsIsNoAccount(err error) bool { return errors.Is(err, ErrNoAccount) }

func asHTTPError(err error, he **crawl.HTTPError) bool { return errors.As(err, he) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
