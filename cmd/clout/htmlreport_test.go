package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func allTwarcDB(t *testing.T) string {
	t.Helper()
	return twarcDB(t, "v1.jsonl", "page.jsonl", "flattened.jsonl", "stream.jsonl", "followers.jsonl", "following.jsonl")
}

// The report is one file that needs nothing from the network and depends
// only on the data: checked on the page's text, before any browser.
func TestReportIsSelfContainedAndRepeatable(t *testing.T) {
	for name, db := range map[string]string{"polblogs": polblogsDB(t), "twarc": allTwarcDB(t)} {
		a, errOut, code := cli(t, "", "--db", db, "report", "-o", "-")
		if code != 0 {
			t.Fatalf("%s: report exited %d: %s", name, code, errOut)
		}
		b, _, _ := cli(t, "", "--db", db, "report", "-o", "-")
		if a != b {
			t.Errorf("%s: two reports of the same data differ", name)
		}
		// Nothing loaded from elsewhere: no src=, href= or url( pointing
		// anywhere but into the page itself (SVG's xmlns is a name, not a
		// fetch).
		if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["'][^"'#]|url\(\s*['"]?[^)#'"]`).FindString(a); m != "" {
			t.Errorf("%s: the report loads something: %q", name, m)
		}
		for _, want := range []string{`<table id="top">`, `id="agreement"`, "</html>"} {
			if !strings.Contains(a, want) {
				t.Errorf("%s: report lacks %s", name, want)
			}
		}
	}
}

// browser finds headless Chromium. Missing, the test is skipped on a
// developer's machine and fails in CI (CI=true), where .ci/run installs it.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CLOUT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("headless Chromium is needed for this test and .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("chromium not installed (.ci/run installs it)")
	return ""
}

// TestReportRendersInABrowser opens the report in headless Chromium with
// every host name unresolvable, reads the page back after its script ran,
// and takes a screenshot (kept in $CLOUT_TEST_ARTIFACTS when set).
func TestReportRendersInABrowser(t *testing.T) {
	chromium := browser(t)
	artifacts := os.Getenv("CLOUT_TEST_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		db     string
		charts int
	}{
		"polblogs": {polblogsDB(t), 2}, // followers, agreement (no events, no communities)
		"twarc":    {allTwarcDB(t), 4}, // followers, engagement, agreement, timeline
	} {
		html := filepath.Join(t.TempDir(), name+".html")
		if _, errOut, code := cli(t, "", "--db", tc.db, "report", "--top", "10", "-o", html); code != 0 {
			t.Fatalf("%s: report: %s", name, errOut)
		}
		common := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
			"--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
			"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=5000"}
		cmd := exec.Command(chromium, append(common, "--dump-dom", "file://"+html)...)
		var dom, logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &dom, &logs
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: chromium: %v\n%s", name, err, logs.String())
		}
		body := regexp.MustCompile(`<body[^>]*>`).FindString(dom.String())
		for _, want := range []string{`data-ready="1"`, `data-errors="0"`, `data-rows="10"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: rendered body %s lacks %s\n%s", name, body, want, logs.String())
			}
		}
		drawn := -1
		if m := regexp.MustCompile(`data-charts="(\d+)"`).FindStringSubmatch(body); m != nil {
			drawn, _ = strconv.Atoi(m[1])
		}
		if drawn != tc.charts {
			t.Errorf("%s: %d charts drawn, want %d", name, drawn, tc.charts)
		}
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") || strings.Contains(line, "net::ERR") {
				t.Errorf("%s: browser console: %s", name, line)
			}
		}
		shot := filepath.Join(artifacts, "report-"+name+".png")
		cmd = exec.Command(chromium, append(common, "--window-size=1280,2000", "--screenshot="+shot, "file://"+html)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: screenshot: %v\n%s", name, err, out)
		}
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: screenshot is not a PNG: %v", name, err)
		}
		colours := map[uint32]bool{}
		bounds := img.Bounds()
		for y := bounds.Min.Y; y < bounds.Max.Y; y += 7 {
			for x := bounds.Min.X; x < bounds.Max.X; x += 7 {
				r, g, b, _ := img.At(x, y).RGBA()
				colours[r>>12<<8|g>>12<<4|b>>12] = true
			}
		}
		if len(colours) < 8 {
			t.Errorf("%s: the screenshot has %d colours: a blank page?", name, len(colours))
		}
		t.Logf("%s: screenshot %s", name, shot)
	}
}
