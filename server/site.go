package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// file is one file of the site, held in memory with its precomputed
// response headers and, when compression pays, its gzip encoding.
type file struct {
	data []byte
	gz   []byte // nil when not worth compressing
	// br is the brotli encoding once compressBrotli has made it (only for
	// files with a gz).
	br          atomic.Pointer[[]byte]
	contentType string
	hash        string // hex sha256 of data
	etag        string // strong validator of data; the gzip and brotli variants append "-gz" and "-br"
	modTime     time.Time
}

// site is the complete, immutable set of files the server offers, keyed by
// URL path. Because a request can only ever look a path up in this map, no
// request can reach a file outside the site, whatever its path says.
type site struct {
	files map[string]*file
}

// webFiles are the page's static files, served at the site root.
var webFiles = []string{"main.js", "dom.js", "core.js", "result.js", "compare.js", "saved.js", "msgpack.js", "worker.js", "viz.html", "viz.js", "style.css", "sw.js"}

// loadSite reads the site from the checkout at root and the build folder,
// compressing each file once; compressed bytes are cached in gzipDir by
// content hash so a restart does not compress the wasm again.
func loadSite(root, buildDir, gzipDir string) (*site, error) {
	s := &site{files: map[string]*file{}}
	add := func(urlPath, src string) error {
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("reading site file %s: %w", src, err)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return err
		}
		f, err := newFile(b, urlPath, fi.ModTime(), gzipDir)
		if err != nil {
			return fmt.Errorf("preparing %s: %w", src, err)
		}
		s.files[urlPath] = f
		return nil
	}
	if err := add("/index.html", filepath.Join(root, "index.html")); err != nil {
		return nil, err
	}
	for _, name := range webFiles {
		if err := add("/"+name, filepath.Join(root, "wasm", "web", name)); err != nil {
			return nil, err
		}
	}
	for _, t := range wasmTargets {
		if err := add("/"+t.file, filepath.Join(buildDir, t.file)); err != nil {
			return nil, err
		}
	}
	if err := add("/wasm_exec.js", filepath.Join(buildDir, "wasm_exec.js")); err != nil {
		return nil, err
	}
	assets, err := assetFiles(filepath.Join(root, "assets"))
	if err != nil {
		return nil, err
	}
	for _, rel := range assets {
		if err := add("/assets/"+rel, filepath.Join(root, "assets", filepath.FromSlash(rel))); err != nil {
			return nil, err
		}
	}
	s.pruneGzipCache(gzipDir)
	return s, nil
}

// pruneGzipCache removes cached encodings of files the site no longer has
// (old builds), so the cache does not grow with every rebuild.
func (s *site) pruneGzipCache(dir string) {
	keep := map[string]bool{}
	for _, f := range s.files {
		keep[f.hash+".gz"], keep[f.hash+".br"] = true, true
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if (strings.HasSuffix(e.Name(), ".gz") || strings.HasSuffix(e.Name(), ".br")) && !keep[e.Name()] {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// assetFiles lists the regular files under dir as slash-separated relative
// paths. Hidden files are left out, and so is any symbolic link whose
// target lies outside dir: a link must never publish a file of the machine.
// dir itself may be a symbolic link (an assets folder kept elsewhere); a
// missing or empty folder is an error, since the page cannot search
// without its datasets.
func assetFiles(dir string) ([]string, error) {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("the assets folder %s cannot be read (%w): the page needs its datasets and snapshots; run from the repository's root or pass -root", dir, err)
	}
	var out []string
	err = filepath.WalkDir(realDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != realDir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(p)
			if err != nil || !within(realDir, target) {
				return nil // dangling, or pointing out of the assets: not served
			}
			fi, err := os.Stat(target)
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(realDir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading assets: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the assets folder %s holds no files: the page needs its datasets and snapshots", dir)
	}
	sort.Strings(out)
	return out, nil
}

// within reports whether path is dir or lies below it.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// contentTypes are the types the site serves, by extension. Anything else
// is application/octet-stream, and nosniff stops a browser guessing.
var contentTypes = map[string]string{
	".html":    "text/html; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".css":     "text/css; charset=utf-8",
	".wasm":    "application/wasm",
	".json":    "application/json",
	".msgpack": "application/vnd.msgpack",
	".gz":      "application/gzip",
	".png":     "image/png",
	".svg":     "image/svg+xml",
	".md":      "text/markdown; charset=utf-8",
	".txt":     "text/plain; charset=utf-8",
	".csv":     "text/csv; charset=utf-8",
}

func contentType(urlPath string) string {
	ext := strings.ToLower(path.Ext(urlPath))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// precompressed types gain nothing from gzip.
var precompressed = map[string]bool{".gz": true, ".png": true, ".jpg": true, ".jpeg": true, ".woff2": true, ".zip": true}

func newFile(b []byte, urlPath string, mod time.Time, gzipDir string) (*file, error) {
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	f := &file{data: b, contentType: contentType(urlPath), hash: hash, etag: `"` + hash[:20] + `"`, modTime: mod}
	if precompressed[strings.ToLower(path.Ext(urlPath))] || len(b) < 256 {
		return f, nil
	}
	gz, err := gzipCached(b, hash, gzipDir)
	if err != nil {
		return nil, err
	}
	if len(gz) < len(b)*95/100 { // keep it only when it saves at least 5 %
		f.gz = gz
	}
	return f, nil
}

// gzipCached returns the gzip encoding of b, reading it from or writing it
// to cacheDir under b's hash.
func gzipCached(b []byte, hash, cacheDir string) ([]byte, error) {
	cached := filepath.Join(cacheDir, hash+".gz")
	if gz, err := os.ReadFile(cached); err == nil && gunzipsTo(gz, hash) {
		return gz, nil
	} // else missing or damaged: compress again and replace it
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err == nil {
		_ = writeIfChanged(cached, buf.Bytes()) // a cache miss next time is the only cost of failing
	}
	return buf.Bytes(), nil
}

// gunzipsTo reports whether gz is a gzip stream of content whose hash
// (as newFile computes it) is hash: a cache entry damaged on disk is never
// served.
func gunzipsTo(gz []byte, hash string) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	h := sha256.New()
	if _, err := io.Copy(h, zr); err != nil || zr.Close() != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == hash
}

// securityHeaders go on every response. The policy allows only this origin
// and wasm compilation ('wasm-unsafe-eval'); no inline script or style.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
		"style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range securityHeaders {
		h.Set(k, v)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: the site is read-only (GET and HEAD)", http.StatusMethodNotAllowed)
		return
	}
	p, err := sitePath(r)
	if err != nil {
		http.Error(w, "400 bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	f, ok := s.files[p]
	if !ok {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	h.Set("Content-Type", f.contentType)
	// no-cache: keep the file, but ask (If-None-Match) before reusing it,
	// so a rebuilt wasm is picked up at once and an unchanged one costs a 304.
	h.Set("Cache-Control", "no-cache")
	body, etag := f.data, f.etag
	if f.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		accept := r.Header.Get("Accept-Encoding")
		if br := f.br.Load(); br != nil && accepts(accept, "br") {
			body, etag = *br, strings.TrimSuffix(f.etag, `"`)+`-br"`
			h.Set("Content-Encoding", "br")
		} else if accepts(accept, "gzip") {
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", f.modTime, bytes.NewReader(body))
}

// sitePath turns a request's path into a key of the site, refusing every
// form of path traversal with an error rather than cleaning it silently.
func sitePath(r *http.Request) (string, error) {
	raw := strings.ToLower(r.URL.EscapedPath())
	p := r.URL.Path
	switch {
	case strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c"):
		return "", fmt.Errorf("encoded slashes are not allowed in paths")
	case strings.ContainsAny(p, "\\\x00"):
		return "", fmt.Errorf("backslashes and NUL are not allowed in paths")
	case !strings.HasPrefix(p, "/"):
		return "", fmt.Errorf("the path must start with /")
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == ".." || seg == "." {
			return "", fmt.Errorf("path segments . and .. are not allowed")
		}
	}
	if p == "/" {
		return "/index.html", nil
	}
	return p, nil
}

// accepts reports whether an Accept-Encoding header allows the encoding
// name (it must be listed, or covered by *, without q=0).
func accepts(header, name string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		n, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		n = strings.ToLower(strings.TrimSpace(n))
		if n != name && n != "*" {
			continue
		}
		zero := false
		for _, prm := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(prm), "=")
			if strings.EqualFold(k, "q") && strings.Trim(v, "0.") == "" && v != "" {
				zero = true
			}
		}
		if n == name {
			return !zero
		}
		ok = !zero
	}
	return ok
}

func (s *site) size() int64 {
	var n int64
	for _, f := range s.files {
		n += int64(len(f.data))
	}
	return n
}

// export writes every file of the site below dir, which must be empty or
// absent: exporting never overwrites anything.
func (s *site) export(dir string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("export folder %s is not empty; choose a new or empty folder", dir)
	}
	paths := make([]string, 0, len(s.files))
	for p := range s.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		dst := filepath.Join(dir, filepath.FromSlash(p[1:]))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("exporting %s: %w", p, err)
		}
		if err := os.WriteFile(dst, s.files[p].data, 0o644); err != nil {
			return fmt.Errorf("exporting %s: %w", p, err)
		}
	}
	return nil
}
