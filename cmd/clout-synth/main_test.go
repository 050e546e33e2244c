package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestRun(t *testing.T) {
	var out1, out2, errb bytes.Buffer
	args := []string{"-nodes", "300", "-edges", "2000", "-seed", "7"}
	if err := run(context.Background(), args, &out1, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if err := run(context.Background(), args, &out2, &errb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out1.Bytes(), out2.Bytes()) {
		t.Fatal("same flags gave different output")
	}
	rows, err := csv.NewReader(bytes.NewReader(out1.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2001 || rows[0][0] != "source" || rows[0][1] != "target" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		var u, v int
		if _, err := fmt.Sscanf(r[0]+" "+r[1], "u%d u%d", &u, &v); err != nil || u == v || u >= 300 || v >= 300 {
			t.Fatalf("bad row %q", r)
		}
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-nodes", "x"},
		{"-nodes", "1", "-edges", "5"},
		{"-gamma-in", "0.5"},
		{"extra"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, &out, &errb); !errors.Is(err, errUsage) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
		if errb.Len() == 0 {
			t.Errorf("%q: nothing on stderr", args)
		}
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, &errb); !errors.Is(err, flag.ErrHelp) || !bytes.Contains(errb.Bytes(), []byte("-nodes")) {
		t.Errorf("-h: err = %v, help %q", err, errb.String())
	}
}

func TestRunEvents(t *testing.T) {
	var out1, out2, errb bytes.Buffer
	args := []string{"-nodes", "300", "-events", "5000", "-seed", "3", "-tag", "chat", "-tag-share", "0.1"}
	if err := run(context.Background(), args, &out1, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if err := run(context.Background(), args, &out2, &errb); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out1.Bytes(), out2.Bytes()) {
		t.Fatal("same flags gave different output")
	}
	rows, err := csv.NewReader(bytes.NewReader(out1.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5001 || fmt.Sprint(rows[0]) != "[source target kind time post_id parent_id hashtags]" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	tagged := 0
	for _, r := range rows[1:] {
		if r[6] == "chat" {
			tagged++
		}
		if r[2] == "like" && (r[6] != "" || r[5] != "" || r[4][0] != 'o') {
			t.Fatalf("like row %q: want the target's original, no parent, no tags", r)
		}
	}
	if tagged < 400 || tagged > 600 {
		t.Errorf("%d of 5000 events carry the tag, want about 500", tagged)
	}
}
