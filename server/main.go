// Command server builds and serves DIAN Explorer.
//
//	go run ./server                 # build what is stale, serve http://127.0.0.1:8080/
//	go run ./server -addr :9000     # another address
//	go run ./server -export DIR     # write the whole site as static files to DIR
//
// It serves only the site: index.html, the page's scripts and styles, the
// two wasm binaries (the Ebiten view and the co-search worker), Go's
// wasm_exec.js, and assets/. Every file is read and gzip-compressed once at
// start-up and served from memory with an ETag, so requests cost no disk
// I/O and no compression, and a path can only ever name a file of the site.
// Brotli encodings, a quarter smaller for the wasm, are made in the
// background and served once ready to browsers that accept them; both are
// cached in .build by content hash.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "server:", err)
		}
		os.Exit(1)
	}
}

// run is the whole server; ready, when not nil, receives the base URL once
// the server accepts connections (tests use it).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on")
	root := fs.String("root", "", "the DIAN Explorer checkout to serve (default: found from the working directory)")
	buildDir := fs.String("build", "", "`dir` for the built wasm files (default: ROOT/.build/site)")
	export := fs.String("export", "", "write the whole site as static files to `dir` (which must be empty or absent) and exit")
	useBrotli := fs.Bool("brotli", true, "also serve brotli encodings, made in the background (about a minute for a new build's wasm, then cached)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}

	var err error
	if *root == "" {
		if *root, err = findRoot(); err != nil {
			return err
		}
	}
	if !isFile(filepath.Join(*root, "index.html")) {
		return fmt.Errorf("%s is not a DIAN Explorer checkout: it has no index.html", *root)
	}
	if *buildDir == "" {
		*buildDir = filepath.Join(*root, ".build", "site")
	}
	if err := buildSite(ctx, *root, *buildDir, stderr); err != nil {
		return err
	}
	site, err := loadSite(*root, *buildDir, filepath.Join(*root, ".build", "gzip"))
	if err != nil {
		return err
	}
	if *export != "" {
		if err := site.export(*export); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d files (%s) to %s\n", len(site.files), formatBytes(site.size()), *export)
		return nil
	}
	var background func()
	if *useBrotli {
		background = func() {
			site.compressBrotli(ctx, filepath.Join(*root, ".build", "gzip"), func(format string, args ...any) {
				fmt.Fprintf(stdout, "brotli ready for "+format+"\n", args...)
			})
		}
	}
	return serve(ctx, *addr, site, stdout, ready, background)
}

// serve listens on addr and serves site until ctx is cancelled, then lets
// requests in flight finish. background, when not nil, runs once the
// server listens (a server that cannot listen starts no work).
func serve(ctx context.Context, addr string, site *site, stdout io.Writer, ready chan<- string, background func()) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the port is already in use (stop the other server or pick another with -addr)", addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	limit := newConnLimiter(MaxConns)
	ln = limit.listener(ln)
	srv := &http.Server{
		Handler:           site,
		ConnState:         limit.connState,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Long enough for a 10 MB wasm over a slow classroom network.
		WriteTimeout:   2 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
	}
	url := baseURL(ln.Addr())
	fmt.Fprintf(stdout, "DIAN Explorer is serving %s (Ctrl-C to stop)\n", url)
	if background != nil {
		go background()
	}
	if ready != nil {
		ready <- url
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serving %s: %w", url, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// baseURL is the address a person should open: an unspecified listen
// address (":8080", "0.0.0.0:8080") is reachable as localhost.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/"
}

// findRoot walks up from the working directory to the checkout: the folder
// holding both go.mod and index.html.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "go.mod")) && isFile(filepath.Join(d, "index.html")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no DIAN Explorer checkout (a folder with go.mod and index.html) at or above %s; run from the checkout or pass -root", dir)
		}
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
