package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// fixtureRoot is a copy of the checkout's site sources with an assets
// folder that holds one file of every served type, a hidden file, and
// symbolic links into and out of the folder.
func fixtureRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	copyFile(t, filepath.Join(repoRoot, "index.html"), filepath.Join(root, "index.html"))
	for _, name := range webFiles {
		copyFile(t, filepath.Join(repoRoot, "wasm", "web", name), filepath.Join(root, "wasm", "web", name))
	}
	assets := filepath.Join(root, "assets")
	files := map[string][]byte{
		"snapshots/digits8.msgpack":  bytes.Repeat([]byte{0x92, 0x01, 0x02}, 400),
		"datasets/digits8/images.gz": {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"result.json":                []byte(`{"metrics":{"accuracy":0.97}}` + strings.Repeat(" ", 300)),
		"logo.png":                   {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
		"README.md":                  []byte("# assets\n"),
		".hidden":                    []byte("not served"),
	}
	for name, b := range files {
		p := filepath.Join(assets, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(root, "secret.txt") // outside assets, inside root
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"link-out":     secret,
		"link-etc":     "/etc/passwd",
		"link-dir-out": root,
		"link-in":      filepath.Join(assets, "README.md"),
	} {
		if err := os.Symlink(target, filepath.Join(assets, link)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("response is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

func TestServeRequests(t *testing.T) {
	root := fixtureRoot(t)
	s := loadTestSite(t, root)
	srv := httptest.NewServer(s)
	defer srv.Close()
	read := func(rel string) []byte {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			b, err = os.ReadFile(filepath.Join(testBuild, rel))
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	tests := []struct {
		name, method, path string
		gzip               bool
		status             int
		contentType        string
		encoding           string
		body               []byte // after decoding; nil means do not compare
	}{
		{"root is the page", "GET", "/", false, 200, "text/html; charset=utf-8", "", read("index.html")},
		{"page, gzip", "GET", "/index.html", true, 200, "text/html; charset=utf-8", "gzip", read("index.html")},
		{"page wasm", "GET", "/page.wasm", false, 200, "application/wasm", "", read("page.wasm")},
		{"page wasm, gzip", "GET", "/page.wasm", true, 200, "application/wasm", "gzip", read("page.wasm")},
		{"worker wasm, gzip", "GET", "/worker.wasm", true, 200, "application/wasm", "gzip", read("worker.wasm")},
		{"wasm_exec.js", "GET", "/wasm_exec.js", false, 200, "text/javascript; charset=utf-8", "", read("wasm_exec.js")},
		{"script", "GET", "/main.js", true, 200, "text/javascript; charset=utf-8", "gzip", read("wasm/web/main.js")},
		{"style", "GET", "/style.css", false, 200, "text/css; charset=utf-8", "", read("wasm/web/style.css")},
		{"msgpack", "GET", "/assets/snapshots/digits8.msgpack", true, 200, "application/vnd.msgpack", "gzip", read("assets/snapshots/digits8.msgpack")},
		{"json", "GET", "/assets/result.json", false, 200, "application/json", "", read("assets/result.json")},
		{"gz is never gzipped again", "GET", "/assets/datasets/digits8/images.gz", true, 200, "application/gzip", "", read("assets/datasets/digits8/images.gz")},
		{"png", "GET", "/assets/logo.png", true, 200, "image/png", "", read("assets/logo.png")},
		{"link inside assets", "GET", "/assets/link-in", false, 200, "application/octet-stream", "", read("assets/README.md")},
		{"HEAD has no body", "HEAD", "/worker.wasm", false, 200, "application/wasm", "", []byte{}},
		{"unknown file", "GET", "/nope.js", false, 404, "", "", nil},
		{"no listing of assets/", "GET", "/assets/", false, 404, "", "", nil},
		{"no listing of assets", "GET", "/assets", false, 404, "", "", nil},
		{"sources are not served", "GET", "/go.mod", false, 404, "", "", nil},
		{"web folder is not served", "GET", "/wasm/web/main.js", false, 404, "", "", nil},
		{"hidden file", "GET", "/assets/.hidden", false, 404, "", "", nil},
		{"link out of assets", "GET", "/assets/link-out", false, 404, "", "", nil},
		{"link to /etc/passwd", "GET", "/assets/link-etc", false, 404, "", "", nil},
		{"link to a folder outside", "GET", "/assets/link-dir-out/secret.txt", false, 404, "", "", nil},
		{"POST", "POST", "/", false, 405, "", "", nil},
		{"DELETE", "DELETE", "/index.html", false, 405, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if tt.gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			} else {
				req.Header.Set("Accept-Encoding", "identity")
			}
			resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'wasm-unsafe-eval'") || !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if tt.status != 200 {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.encoding)
			}
			if resp.Header.Get("ETag") == "" || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("ETag %q, Cache-Control %q: want a validator and no-cache", resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
			}
			if tt.encoding == "gzip" {
				if len(body) >= len(tt.body) {
					t.Errorf("gzip body of %d bytes is not smaller than the file (%d)", len(body), len(tt.body))
				}
				body = gunzip(t, body)
			}
			if tt.body != nil && !bytes.Equal(body, tt.body) {
				t.Errorf("body differs from the file (%d vs %d bytes)", len(body), len(tt.body))
			}
		})
	}
}

func TestServeNotModified(t *testing.T) {
	srv := httptest.NewServer(loadTestSite(t, repoRoot))
	defer srv.Close()
	for _, enc := range []string{"identity", "gzip"} {
		get := func(etag string) *http.Response {
			req, _ := http.NewRequest("GET", srv.URL+"/worker.wasm", nil)
			req.Header.Set("Accept-Encoding", enc)
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}
		first := get("")
		etag := first.Header.Get("ETag")
		if second := get(etag); second.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match %s gave %d, want 304", enc, etag, second.StatusCode)
		}
		if other := get(`"0000"`); other.StatusCode != http.StatusOK {
			t.Errorf("%s: a stale ETag gave %d, want 200", enc, other.StatusCode)
		}
	}
}

// rawGet sends a request line byte for byte, so that no client library
// cleans or re-encodes the path first.
func rawGet(t *testing.T, addr, target string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Contains(body, []byte("secret")) || bytes.Contains(body, []byte("root:")) || bytes.Contains(body, []byte("module github.com")) {
		t.Errorf("GET %s leaked a file outside the site: %q", target, body)
	}
	return resp.StatusCode
}

func TestServeRefusesTraversal(t *testing.T) {
	srv := httptest.NewServer(loadTestSite(t, fixtureRoot(t)))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	for _, target := range []string{
		"/../go.mod", "/assets/../../secret.txt", "/assets/../index.html",
		"/%2e%2e/go.mod", "/assets/%2e%2e/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/etc/passwd",
		"/..%2fgo.mod", "/assets/..%2f..%2fsecret.txt", "/assets%2f..%2f..%2fsecret.txt",
		"/assets\\..\\..\\secret.txt", "/%5c..%5csecret.txt", "/..\\secret.txt",
		"//etc/passwd", "/etc/passwd", "/./index.html", "/assets/./README.md",
		"/%00", "/assets/link-out", "/assets/link-etc", "/assets/link-dir-out/secret.txt",
		"http://example.com/../secret.txt",
	} {
		if got := rawGet(t, addr, target); got != http.StatusBadRequest && got != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 400 or 404", target, got)
		}
	}
}

func FuzzServePath(f *testing.F) {
	for _, p := range []string{"/", "/index.html", "/../go.mod", "/%2e%2e/x", "/assets/..%2f", "/a\\b", "//x"} {
		f.Add(p)
	}
	s := &site{files: map[string]*file{"/index.html": {data: []byte("<!doctype html>"), contentType: "text/html", etag: `"1"`}}}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil {
			return // not a request line a server would accept
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			if !bytes.Equal(rec.Body.Bytes(), []byte("<!doctype html>")) {
				t.Fatalf("GET %q served %q", target, rec.Body.Bytes())
			}
		case 400, 404:
		default:
			t.Fatalf("GET %q = %d", target, rec.Code)
		}
	})
}

func TestAccepts(t *testing.T) {
	for _, c := range []struct {
		header, name string
		want         bool
	}{
		{"", "gzip", false}, {"gzip", "gzip", true}, {"GZIP", "gzip", true}, {"gzip, deflate, br, zstd", "gzip", true},
		{"br;q=1.0, gzip;q=0.8", "gzip", true}, {"gzip;q=0", "gzip", false}, {"gzip; q=0.0", "gzip", false},
		{"identity", "gzip", false}, {"*", "gzip", true}, {"*;q=0", "gzip", false}, {"gzip;q=0, *", "gzip", false},
		{"deflate, *;q=0.5", "gzip", true}, {"gzipx", "gzip", false},
		{"gzip, deflate, br, zstd", "br", true}, {"gzip, deflate", "br", false}, {"br;q=0, gzip", "br", false},
		{"Br", "br", true}, {"brotli", "br", false}, {"*", "br", true},
	} {
		if got := accepts(c.header, c.name); got != c.want {
			t.Errorf("accepts(%q, %q) = %v, want %v", c.header, c.name, got, c.want)
		}
	}
}

// TestServeConcurrentClients has 100 clients fetch the page, both wasm
// binaries and then assets in a loop, 2,000 requests in all, half of them
// asking for gzip. Every body must arrive whole and equal to its file, and
// the server must not copy files per request: the bytes allocated while
// serving stay a small fraction of the bytes served.
func TestServeConcurrentClients(t *testing.T) {
	root := fixtureRoot(t)
	s := loadTestSite(t, root)
	srv := httptest.NewServer(s)
	defer srv.Close()

	want := map[string][32]byte{}
	for p, f := range s.files {
		want[p] = sha256.Sum256(f.data)
	}
	var assets []string
	for p := range s.files {
		if strings.HasPrefix(p, "/assets/") {
			assets = append(assets, p)
		}
	}
	slices.Sort(assets)

	const clients, total = 100, 2000
	perClient := total / clients
	var served, failed atomic.Int64
	var errs sync.Map
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			useGzip := c%2 == 0
			paths := []string{"/", "/page.wasm", "/worker.wasm"}
			for i := 0; len(paths) < perClient; i++ {
				paths = append(paths, assets[(c+i)%len(assets)])
			}
			buf := make([]byte, 32<<10)
			for _, p := range paths {
				n, err := fetchAndCheck(tr, srv.URL, p, useGzip, want, buf)
				if err != nil {
					failed.Add(1)
					errs.Store(p, err)
					continue
				}
				served.Add(n)
			}
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	errs.Range(func(k, v any) bool { t.Errorf("GET %s: %v", k, v); return true })
	if failed.Load() != 0 {
		t.Fatalf("%d of %d requests failed", failed.Load(), total)
	}
	allocated := int64(after.TotalAlloc - before.TotalAlloc)
	t.Logf("%d requests, %.1f MB on the wire, %.1f MB allocated by clients and server together",
		total, float64(served.Load())/1e6, float64(allocated)/1e6)
	if allocated > served.Load()/4 {
		t.Errorf("allocated %d bytes while serving %d: files seem to be copied per request", allocated, served.Load())
	}
}

// fetchAndCheck gets one path and verifies its bytes by streaming them
// through a hash (so the client itself allocates little), returning the
// number of bytes received.
func fetchAndCheck(tr *http.Transport, base, p string, useGzip bool, want map[string][32]byte, buf []byte) (int64, error) {
	req, _ := http.NewRequestWithContext(context.Background(), "GET", base+p, nil)
	if useGzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	counted := &countingReader{r: resp.Body}
	var body io.Reader = counted
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return 0, err
		}
		body = zr
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(h, body, buf); err != nil {
		return 0, err
	}
	key := p
	if p == "/" {
		key = "/index.html"
	}
	if [32]byte(h.Sum(nil)) != want[key] {
		return 0, fmt.Errorf("body differs from the file")
	}
	if resp.ContentLength >= 0 && resp.ContentLength != counted.n {
		return 0, fmt.Errorf("received %d of %d bytes", counted.n, resp.ContentLength)
	}
	return counted.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestExport(t *testing.T) {
	s := loadTestSite(t, repoRoot)
	dir := filepath.Join(t.TempDir(), "out")
	if err := s.export(dir); err != nil {
		t.Fatal(err)
	}
	for p, f := range s.files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p[1:])))
		if err != nil || !bytes.Equal(b, f.data) {
			t.Errorf("exported %s: %v (equal: %v)", p, err, bytes.Equal(b, f.data))
		}
	}
	// A static file server on the export serves the wasm as a browser needs it.
	fsrv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer fsrv.Close()
	resp, err := http.Get(fsrv.URL + "/page.wasm")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("static server gives the exported page.wasm Content-Type %q", ct)
	}
	if err := s.export(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("exporting into a non-empty folder: err = %v, want a refusal", err)
	}
}

// The exported site has no server to send headers, so its pages carry the
// policy in a <meta> element: the header's, less frame-ancestors, which a
// <meta> cannot carry (Chromium logs an error for it).
func TestPagesCarryTheContentSecurityPolicy(t *testing.T) {
	var want []string
	for _, d := range strings.Split(securityHeaders["Content-Security-Policy"], "; ") {
		if !strings.HasPrefix(d, "frame-ancestors") {
			want = append(want, d)
		}
	}
	meta := `<meta http-equiv="Content-Security-Policy" content="` + strings.Join(want, "; ") + `">`
	for _, name := range []string{"index.html", "wasm/web/viz.html"} {
		b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), meta) {
			t.Errorf("%s lacks %s", name, meta)
		}
	}
}

// A damaged entry of the gzip cache is noticed and replaced, never served.
func TestGzipCacheDamageIsRepaired(t *testing.T) {
	dir := t.TempDir()
	content := bytes.Repeat([]byte("the co-search core "), 1000)
	f, err := newFile(content, "/x.js", time.Now(), dir)
	if err != nil || f.gz == nil {
		t.Fatalf("newFile: %v (gz %d bytes)", err, len(f.gz))
	}
	cached := filepath.Join(dir, f.hash+".gz")
	for _, damage := range [][]byte{[]byte("not gzip"), gzipOf(t, []byte("other content")), f.gz[:len(f.gz)/2]} {
		if err := os.WriteFile(cached, damage, 0o644); err != nil {
			t.Fatal(err)
		}
		g, err := newFile(content, "/x.js", time.Now(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.gz, f.gz) {
			t.Errorf("a damaged cache entry (%d bytes) was served as the encoding", len(damage))
		}
		if b, _ := os.ReadFile(cached); !bytes.Equal(b, f.gz) {
			t.Errorf("the damaged cache entry was not replaced")
		}
	}
}

func gzipOf(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An assets folder that is a symbolic link is followed; a missing or empty
// one is an error that says what the page needs.
func TestAssetsFolder(t *testing.T) {
	real := filepath.Join(repoRoot, "assets")
	want, err := assetFiles(real)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "assets")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	got, err := assetFiles(link)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("through a symlinked folder: %d files (%v), want %d", len(got), err, len(want))
	}
	empty := t.TempDir()
	for _, dir := range []string{filepath.Join(empty, "missing"), empty} {
		if _, err := assetFiles(dir); err == nil || !strings.Contains(err.Error(), "datasets and snapshots") {
			t.Errorf("assetFiles(%s): %v, want an error naming what the page needs", dir, err)
		}
	}
}

// A browser that accepts brotli gets it once the background compression
// has made it (the smallest files first), decoding to the same bytes with
// its own ETag; one that does not still gets gzip. A damaged cache entry
// is made again, never served.
func TestServesBrotliWhenReady(t *testing.T) {
	s := loadTestSite(t, repoRoot)
	cache := t.TempDir()
	main := s.files["/main.js"]
	brotliJobs.Delete(main.hash) // made again from the damaged cache below, whatever ran before
	os.WriteFile(filepath.Join(cache, main.hash+".br"), []byte("not brotli"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.compressBrotli(ctx, cache, nil); close(done) }()
	defer func() { cancel(); <-done }()
	get := func(accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/main.js", nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	deadline := time.Now().Add(time.Minute)
	for main.br.Load() == nil {
		if time.Now().After(deadline) {
			t.Fatal("main.js has no brotli encoding after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rec := get("gzip, deflate, br, zstd")
	if rec.Header().Get("Content-Encoding") != "br" || !strings.HasSuffix(rec.Header().Get("ETag"), `-br"`) {
		t.Fatalf("served %q with ETag %q, want br", rec.Header().Get("Content-Encoding"), rec.Header().Get("ETag"))
	}
	body, err := io.ReadAll(brotli.NewReader(rec.Body))
	if err != nil || !bytes.Equal(body, main.data) {
		t.Fatalf("the brotli body decodes to %d bytes (%v); the file has %d", len(body), err, len(main.data))
	}
	if rec.Body.Len() >= len(main.gz) {
		t.Errorf("brotli %d bytes is no smaller than gzip %d", rec.Body.Len(), len(main.gz))
	}
	if enc := get("gzip, deflate").Header().Get("Content-Encoding"); enc != "gzip" {
		t.Errorf("a browser without brotli got %q", enc)
	}
	if cached, err := os.ReadFile(filepath.Join(cache, main.hash+".br")); err != nil || !unbrotlisTo(cached, main.hash) {
		t.Errorf("the damaged cache entry was not replaced (%v)", err)
	}
}
