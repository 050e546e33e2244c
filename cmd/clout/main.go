// Command clout finds the accounts that actually move a conversation: it
// collects follower and interaction graphs into one SQLite file, scores every
// account with PageRank and reach, and prints ranked influencer lists.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C the command winds down cleanly; a second
		// one gets the default behaviour and ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := execute(ctx, os.Args[1:], SystemIO(), os.Getenv)
	stop()
	os.Exit(code)
}
