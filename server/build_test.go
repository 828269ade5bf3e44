package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tempModule writes a one-package module whose main.go is src.
func tempModule(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildWasmRebuildsOnlyWhatIsStale(t *testing.T) {
	mod := tempModule(t, "package main\n\nfunc main() { println(\"one\") }\n")
	out := filepath.Join(t.TempDir(), "hello.wasm")
	ctx := context.Background()
	build := func() string {
		var log bytes.Buffer
		if err := buildWasm(ctx, mod, ".", out, &log); err != nil {
			t.Fatal(err)
		}
		return log.String()
	}
	if got := build(); !strings.HasPrefix(got, "built hello.wasm") {
		t.Fatalf("first build logged %q, want a build", got)
	}
	first, _ := os.ReadFile(out)
	if got := build(); got != "hello.wasm is up to date\n" {
		t.Fatalf("second build logged %q, want up to date", got)
	}
	if err := os.WriteFile(filepath.Join(mod, "main.go"), []byte("package main\n\nfunc main() { println(\"two\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := build(); !strings.HasPrefix(got, "built hello.wasm") {
		t.Fatalf("build after an edit logged %q, want a rebuild", got)
	}
	if second, _ := os.ReadFile(out); bytes.Equal(first, second) {
		t.Error("the rebuilt binary equals the old one")
	}
	if got := build(); got != "hello.wasm is up to date\n" {
		t.Fatalf("build after the rebuild logged %q, want up to date", got)
	}
}

func TestBuildWasmReportsCompileErrors(t *testing.T) {
	mod := tempModule(t, "package main\n\nfunc main() { undefinedThing() }\n")
	out := filepath.Join(t.TempDir(), "broken.wasm")
	err := buildWasm(context.Background(), mod, ".", out, &bytes.Buffer{})
	if err == nil {
		t.Fatal("building a broken package succeeded")
	}
	for _, want := range []string{"building broken.wasm", "main.go:3", "undefinedThing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build left %s behind", out)
	}
}

func TestRunFailsWhenThePortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"-root", repoRoot, "-build", testBuild, "-addr", ln.Addr().String()}, &stdout, &stderr, nil)
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Fatalf("run on a taken port: err = %v, want one naming the address and saying it is in use", err)
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var stdout bytes.Buffer
	go func() {
		done <- run(ctx, []string{"-root", repoRoot, "-build", testBuild, "-addr", "127.0.0.1:0", "-brotli=false"}, &stdout, &bytes.Buffer{}, ready)
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatalf("run ended before serving: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("the server did not start")
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("printed URL %q", url)
	}
	if status := rawGet(t, strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"), "/"); status != 200 {
		t.Errorf("GET / = %d", status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("graceful shutdown: %v", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-root", "/nonexistent-dian-root"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}, nil); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
