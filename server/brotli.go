package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/andybalholm/brotli"
)

// Brotli at its highest quality makes the page's wasm about a quarter
// smaller than gzip does (13.7 MB raw: 3.30 MB gzip, 2.39 MB brotli), but
// takes about 40 s for it on one core. So the site starts serving gzip at
// once and adds each file's brotli encoding when it is ready, in the
// background, caching it beside the gzip ones by content hash: a restart
// with the same build does not compress again.
const (
	brotliQuality = 11
	brotliWindow  = 24 // log2 of the window: the largest brotli allows
	// brotliChunk is how much is compressed between checks that the
	// server is still running.
	brotliChunk = 1 << 20
)

// brotliJobs makes each content's encoding once per process, however many
// sites ask for it (tests start many servers on the same build).
var brotliJobs sync.Map // content hash → *brotliJob

type brotliJob struct {
	mu   sync.Mutex
	data []byte
}

// compressBrotli adds brotli encodings to every file that has a gzip one,
// smallest first so the page's own scripts are ready at once, until ctx
// ends. logf, when not nil, reports the wasm binaries' sizes.
func (s *site) compressBrotli(ctx context.Context, cacheDir string, logf func(format string, args ...any)) {
	var files []*file
	names := map[*file]string{}
	for p, f := range s.files {
		if f.gz != nil {
			files = append(files, f)
			names[f] = p
		}
	}
	sort.Slice(files, func(i, j int) bool {
		if len(files[i].data) != len(files[j].data) {
			return len(files[i].data) < len(files[j].data)
		}
		return files[i].hash < files[j].hash
	})
	for _, f := range files {
		br, err := brotliCached(ctx, f.data, f.hash, cacheDir)
		if err != nil {
			return // cancelled: gzip keeps being served
		}
		if len(br) < len(f.gz) {
			f.br.Store(&br)
			if logf != nil && filepath.Ext(names[f]) == ".wasm" {
				logf("%s: %s brotli (%s gzip, %s raw)", names[f], formatBytes(int64(len(br))), formatBytes(int64(len(f.gz))), formatBytes(int64(len(f.data))))
			}
		}
	}
}

// brotliCached returns the brotli encoding of b (whose hash is hash), from
// cacheDir when a valid copy is there, else compressing it and storing it.
func brotliCached(ctx context.Context, b []byte, hash, cacheDir string) ([]byte, error) {
	j, _ := brotliJobs.LoadOrStore(hash, &brotliJob{})
	job := j.(*brotliJob)
	job.mu.Lock()
	defer job.mu.Unlock()
	if job.data != nil {
		return job.data, nil
	}
	cached := filepath.Join(cacheDir, hash+".br")
	if br, err := os.ReadFile(cached); err == nil && unbrotlisTo(br, hash) {
		job.data = br
		return br, nil
	}
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
	for rest := b; len(rest) > 0; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(len(rest), brotliChunk)
		if _, err := w.Write(rest[:n]); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err == nil {
		_ = writeIfChanged(cached, buf.Bytes()) // a cache miss next time is the only cost of failing
	}
	job.data = buf.Bytes()
	return job.data, nil
}

// unbrotlisTo reports whether br decodes to content whose hash is hash: a
// cache entry damaged on disk is never served.
func unbrotlisTo(br []byte, hash string) bool {
	h := sha256.New()
	if _, err := io.Copy(h, brotli.NewReader(bytes.NewReader(br))); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == hash
}
