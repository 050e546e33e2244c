package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/clout-cli/clout/graph/source/bluesky"
	"github.com/clout-cli/clout/graph/source/crawl"
	"github.com/spf13/pflag"
)

// The environment variables that hold the Bluesky login for post search.
const (
	bskyHandleEnv   = "BSKY_HANDLE"
	bskyPasswordEnv = "BSKY_APP_PASSWORD"
)

// BlueskyAuthOptions are the flags that give `clout crawl bluesky --tag` a
// logged-in session. The password itself is never a flag (it would show in
// ps and in the shell history): it comes from $BSKY_APP_PASSWORD or a file.
type BlueskyAuthOptions struct {
	Handle       string // --bsky-handle, else $BSKY_HANDLE
	PasswordFile string // --app-password-file, else $BSKY_APP_PASSWORD
	PDS          string // --pds, else bluesky.DefaultPDS
}

func addBlueskyAuthFlags(fl *pflag.FlagSet, o *BlueskyAuthOptions) {
	fl.StringVar(&o.Handle, "bsky-handle", "", "Bluesky `handle` that logs in for post search with --tag (default $"+bskyHandleEnv+")")
	fl.StringVar(&o.PasswordFile, "app-password-file", "", "read the Bluesky app password from `FILE` (default $"+bskyPasswordEnv+")")
	fl.StringVar(&o.PDS, "pds", "", "base `URL` where the Bluesky account logs in and searches (default "+bluesky.DefaultPDS+")")
}

// blueskyCredentials reads the login: the handle from --bsky-handle or
// $BSKY_HANDLE, the app password from --app-password-file (its first line)
// or $BSKY_APP_PASSWORD. nil when neither handle nor password is given.
// Errors name the flag, variable or file, never the password.
func blueskyCredentials(getenv func(string) string, o *BlueskyAuthOptions) (*bluesky.Credentials, error) {
	handle := strings.TrimPrefix(strings.TrimSpace(o.Handle), "@")
	if handle == "" {
		handle = strings.TrimPrefix(strings.TrimSpace(getenv(bskyHandleEnv)), "@")
	}
	var pw string
	if o.PasswordFile != "" {
		b, err := os.ReadFile(o.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read the app password file %s: %w", o.PasswordFile, errors.Unwrap(err))
		}
		pw, _, _ = strings.Cut(string(b), "\n")
		if pw = strings.TrimSpace(pw); pw == "" {
			return nil, fmt.Errorf("the app password file %s is empty: want the app password on its first line", o.PasswordFile)
		}
	} else {
		pw = strings.TrimSpace(getenv(bskyPasswordEnv))
	}
	switch {
	case handle == "" && pw == "":
		return nil, nil
	case pw == "":
		return nil, usageErrorf("the Bluesky login of %s has no app password: set $%s or give --app-password-file FILE", handle, bskyPasswordEnv)
	case handle == "":
		return nil, usageErrorf("the Bluesky app password has no handle: set $%s or give --bsky-handle HANDLE", bskyHandleEnv)
	}
	return &bluesky.Credentials{Identifier: handle, Password: bluesky.Secret(pw)}, nil
}

// newBlueskyPlatform builds the Bluesky platform of `clout crawl`. An
// account crawl reads the public AppView anonymously; a tag crawl needs post
// search, so it logs in first (once for the run), which reports a wrong
// password before anything is crawled. Without a login a tag crawl is an
// error that says how to give one, and suggests `clout listen` instead.
func newBlueskyPlatform(ctx context.Context, client *crawl.Client, opts *CrawlOptions, tags []string, logf func(string, ...any)) (crawl.Platform, error) {
	if len(tags) == 0 {
		return bluesky.New(client, bluesky.Config{API: opts.API})
	}
	cred, err := blueskyCredentials(opts.Getenv, &opts.BskyAuth)
	if err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, noBlueskyLogin(tags)
	}
	p, err := bluesky.New(client, bluesky.Config{API: opts.API, PDS: opts.BskyAuth.PDS, Login: cred,
		HTTPClient: &http.Client{Timeout: opts.Timeout}, UserAgent: userAgent(opts.Contact), Logf: logf})
	if err != nil {
		return nil, err
	}
	if err := p.Login(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// noBlueskyLogin is the error of a tag crawl without a login.
func noBlueskyLogin(tags []string) error {
	tag := strings.TrimPrefix(tags[0], "#")
	return usageErrorf(`Bluesky post search (crawl bluesky --tag) needs a logged-in account: Bluesky has refused anonymous search since January 2025.
Create an app password in the Bluesky app (Settings → Privacy and security → App passwords), then give the handle and the password:
  %s=you.bsky.social %s=xxxx-xxxx-xxxx-xxxx clout crawl bluesky --tag %s
or --bsky-handle you.bsky.social --app-password-file FILE. The password and the session stay in memory; nothing is saved.
Without an account, capture the conversation live instead: clout listen bluesky --tag %s`, bskyHandleEnv, bskyPasswordEnv, tag, tag)
}
