package service

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"time"
)

// Fetch returns the file at a path of the site (relative to its root, such
// as "assets/datasets/digits/labels-idx1-ubyte.gz"). A file the site does
// not have is an error wrapping fs.ErrNotExist.
type Fetch func(ctx context.Context, path string) ([]byte, error)

// fetchFS is a read-only fs.FS of the site over Fetch, so core/data can
// read the dataset files it needs straight from the server.
type fetchFS struct {
	ctx   context.Context
	fetch Fetch
}

func (f fetchFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	b, err := f.fetch(f.ctx, name)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return b, nil
}

func (f fetchFS) Open(name string) (fs.File, error) {
	b, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(b), name: path.Base(name)}, nil
}

// memFile is a fetched file held in memory.
type memFile struct {
	*bytes.Reader
	name string
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m, nil }
func (m *memFile) Close() error               { return nil }
func (m *memFile) Name() string               { return m.name }
func (m *memFile) Mode() fs.FileMode          { return 0o444 }
func (m *memFile) ModTime() time.Time         { return time.Time{} }
func (m *memFile) IsDir() bool                { return false }
func (m *memFile) Sys() any                   { return nil }
