//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dian-explorer/dian/core/report"
)

// Ctrl-C during `dian search -checkpoint F` keeps the state in F and exits
// 130 saying how to continue; `dian search -resume F` then prints the
// JSON the uninterrupted search prints (testdata/search.json, which
// TestSearchJSONIsReproducible checks against an uninterrupted run).
// The interrupt is a real SIGINT to this process, sent once the search
// has saved its first checkpoint.
func TestSearchCheckpointAndResume(t *testing.T) {
	const frag = "v=1&dataset=digits8&epochs=1&finetune=1&accelsteps=20&finalsteps=100"
	file := filepath.Join(t.TempDir(), "search.ckpt")
	// Catch SIGINT here too, so a signal that lands after the search has
	// returned cannot end the test binary.
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, os.Interrupt)
	defer signal.Stop(caught)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if fi, err := os.Stat(file); err == nil && fi.Size() > 0 {
				syscall.Kill(os.Getpid(), syscall.SIGINT)
				return
			}
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run([]string{"search", "-config", frag, "-json", "-assets", "../../assets", "-checkpoint", file, "-checkpoint-every", "0"}, &stdout, &stderr)
	close(done)
	if code != 130 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "dian search -resume "+file) {
		t.Fatalf("interrupted search: exit %d, %d bytes of output, stderr %q; want exit 130, no result, and how to resume", code, stdout.Len(), stderr.String())
	}
	t.Logf("interrupted: %s", strings.TrimSpace(stderr.String()))

	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"search", "-resume", file, "-json", "-assets", "../../assets"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dian search -resume exited %d: %s", code, stderr.String())
	}
	var res report.Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	res.Timing = report.Timing{}
	got, _ := json.MarshalIndent(&res, "", "  ")
	want, err := os.ReadFile("testdata/search.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(got, '\n'), want) {
		d, _ := report.Diff(append(got, '\n'), want)
		t.Errorf("the resumed search's JSON differs from testdata/search.json at %s (resumed, then uninterrupted)", d)
	}
}
