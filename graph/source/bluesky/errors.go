package bluesky

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/clout-cli/clout/graph/source/crawl"
)

// ErrNoAccount is wrapped by Resolve's error when the AppView does not know
// the seed (400 InvalidRequest "Profile not found") or no longer serves it
// (AccountTakedown, AccountDeactivated).
var ErrNoAccount = errors.New("no such Bluesky account")

// describe fills an HTTPError's Code and Msg from an XRPC error body
// ({"error": "<Name>", "message": "<text>"}, atproto specs/xrpc "Error
// Responses") when the client left them empty, and returns err.
func describe(err error) error {
	var he *crawl.HTTPError
	if !errors.As(err, &he) || he.Code != "" || he.Status == 0 {
		return err
	}
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(he.Msg), &body) == nil && body.Error != "" {
		he.Code, he.Msg = body.Error, body.Message
	}
	return err
}

// isNoAccount reports whether err says the actor does not exist or is not
// served any more.
func isNoAccount(err error) bool {
	var he *crawl.HTTPError
	if !errors.As(err, &he) {
		return false
	}
	switch he.Code {
	case "AccountTakedown", "AccountDeactivated", "NotFound":
		return true
	case "InvalidRequest", "":
		msg := strings.ToLower(he.Msg)
		return he.Status == http.StatusBadRequest &&
			(strings.Contains(msg, "profile not found") || strings.Contains(msg, "actor not found"))
	}
	return false
}
