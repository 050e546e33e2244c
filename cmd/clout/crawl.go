package main

import "github.com/spf13/cobra"

func newCrawlCmd(f *Factory) *cobra.Command {
	return &cobra.Command{Use: "crawl PLATFORM SEED...", Short: "Crawl (not wired yet)", Hidden: true}
}
