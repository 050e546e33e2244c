package main

import (
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/olekukonko/tablewriter"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/term"
	_ "golang.org/x/time/rate"
	_ "gonum.org/v1/gonum/graph/network"
)

func main() {}
