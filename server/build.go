package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// wasmTarget is one js/wasm binary of the site.
type wasmTarget struct {
	pkg  string // package to build, relative to the module root
	file string // output file name in the build dir
}

var wasmTargets = []wasmTarget{
	{"./wasm/page", "page.wasm"},
	{"./wasm/worker", "worker.wasm"},
}

// wasmEnv is the environment of every js/wasm go command. GOFLAGS is
// cleared so a developer's local flags cannot change what the site runs.
func wasmEnv() []string {
	return append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=")
}

// buildSite brings the generated files in dir up to date: both wasm
// binaries (rebuilt only when a source file they depend on changed) and a
// copy of the Go toolchain's wasm_exec.js (which must match the compiler).
func buildSite(ctx context.Context, root, dir string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the build folder: %w", err)
	}
	for _, t := range wasmTargets {
		if err := buildWasm(ctx, root, t.pkg, filepath.Join(dir, t.file), log); err != nil {
			return err
		}
	}
	goroot, err := goEnv(ctx, root, "GOROOT")
	if err != nil {
		return err
	}
	src := filepath.Join(goroot, "lib", "wasm", "wasm_exec.js")
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("reading wasm_exec.js from the Go toolchain (%s): %w", src, err)
	}
	return writeIfChanged(filepath.Join(dir, "wasm_exec.js"), b)
}

// buildWasm builds pkg for js/wasm into out unless out is already built from
// the same sources: a stamp file next to out records the fingerprint of
// everything the binary depends on.
func buildWasm(ctx context.Context, root, pkg, out string, log io.Writer) error {
	name := filepath.Base(out)
	fp, err := fingerprint(ctx, root, pkg)
	if err != nil {
		return fmt.Errorf("building %s: %w", name, err)
	}
	stamp := out + ".stamp"
	if old, err := os.ReadFile(stamp); err == nil && string(old) == fp && isFile(out) {
		fmt.Fprintf(log, "%s is up to date\n", name)
		return nil
	}
	start := time.Now()
	tmp := out + ".tmp"
	// The fingerprint goes into the binary as its build id, so the page can
	// name exactly which sources it runs (see protocol.Version).
	ldflags := "-s -w -X github.com/dian-explorer/dian/wasm/protocol.build=" + fp[:12]
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags="+ldflags, "-o", tmp, pkg)
	cmd.Dir, cmd.Env = root, wasmEnv()
	if msg, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("building %s from %s failed: %v\n%s", name, pkg, err, bytes.TrimSpace(msg))
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("building %s: %w", name, err)
	}
	if err := os.WriteFile(stamp, []byte(fp), 0o644); err != nil {
		return fmt.Errorf("building %s: writing its stamp: %w", name, err)
	}
	fi, _ := os.Stat(out)
	fmt.Fprintf(log, "built %s (%s) in %.1fs\n", name, formatBytes(fi.Size()), time.Since(start).Seconds())
	return nil
}

// fingerprint hashes what a js/wasm build of pkg depends on: the Go version
// and the name and content of every non-standard source and embedded file
// of every package in its import graph. Standard packages change only with
// the Go version, which is hashed.
func fingerprint(ctx context.Context, root, pkg string) (string, error) {
	const format = `{{if not .Standard}}{{.Dir}}{{range .GoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}{{"\n"}}{{end}}`
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", format, pkg)
	cmd.Dir, cmd.Env = root, wasmEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	listing, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("listing the sources of %s: %v\n%s", pkg, err, bytes.TrimSpace(stderr.Bytes()))
	}
	version, err := goEnv(ctx, root, "GOVERSION")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", version)
	for line := range strings.Lines(string(listing)) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		dir := parts[0]
		for _, f := range parts[1:] {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				return "", fmt.Errorf("fingerprinting %s: %w", pkg, err)
			}
			fmt.Fprintf(h, "%s/%s %d\n", dir, f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func goEnv(ctx context.Context, root, key string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", key)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w (is Go installed and on PATH?)", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// writeIfChanged writes b to path unless the file already holds exactly b,
// so an unchanged file keeps its modification time.
func writeIfChanged(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
