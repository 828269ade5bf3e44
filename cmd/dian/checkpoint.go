package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
)

// checkpointFile keeps a search's checkpoints in one file, replaced
// atomically (a temporary file in the same folder, synced, then renamed
// over it), so a crash while saving leaves the previous checkpoint whole.
type checkpointFile struct {
	path  string
	every time.Duration
	last  time.Time
	// step and steps are where the last saved checkpoint was taken (step
	// -1: none was saved by this process).
	step, steps int
}

func (f *checkpointFile) checkpoints() *search.Checkpoints {
	f.step = -1
	return &search.Checkpoints{
		Due: func(int) bool { return time.Since(f.last) >= f.every },
		Save: func(b []byte, step, steps int) error {
			if err := writeAtomic(f.path, b); err != nil {
				return fmt.Errorf("-checkpoint: %w", err)
			}
			f.last, f.step, f.steps = time.Now(), step, steps
			return nil
		},
	}
}

// writeAtomic replaces path with b.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readCheckpoint reads a checkpoint file, bounded by the snapshot format's
// size limit, and returns the configuration it continues.
func readCheckpoint(path string) (share.Config, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return share.Config{}, nil, fmt.Errorf("-resume: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, snapshot.MaxSize+1))
	if err != nil {
		return share.Config{}, nil, fmt.Errorf("-resume %s: %w", path, err)
	}
	if len(b) > snapshot.MaxSize {
		return share.Config{}, nil, fmt.Errorf("-resume %s: larger than a checkpoint can be (%d bytes at most)", path, snapshot.MaxSize)
	}
	cfg, err := search.DecodeCheckpoint(b)
	if err != nil {
		return share.Config{}, nil, fmt.Errorf("-resume %s: %w", path, err)
	}
	return cfg, b, nil
}
