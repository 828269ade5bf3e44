package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// testBuild is a build folder made once for the whole package from the
// real checkout, so every test serves the real wasm binaries.
var testBuild string

// repoRoot is the checkout the tests serve.
var repoRoot string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "dian-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	testBuild = filepath.Join(dir, "site")
	if err := buildSite(context.Background(), repoRoot, testBuild, io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, "building the site for the tests:", err)
		return 1
	}
	return m.Run()
}

// loadTestSite loads the real site, caching gzip output in a test folder.
func loadTestSite(t testing.TB, root string) *site {
	t.Helper()
	s, err := loadSite(root, testBuild, filepath.Join(filepath.Dir(testBuild), "gzip"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
