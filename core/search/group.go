package search

import (
	"fmt"
	"sync"

	"github.com/dian-explorer/dian/core/supernet"
)

// Group is the processes one sharded search (shards > 1) runs on, as the
// page runs it on several Web Workers: every process runs the whole search
// with the same configuration and seed, so every random draw, accelerator
// search and optimizer step is the same in each, but each computes only the
// shards of a batch it owns and Exchange brings it the others'. The sum
// over shards is taken in shard order in every process
// (supernet.ReduceShards), so the result does not depend on how many
// processes there are or which computed what.
type Group interface {
	// Check reports whether the group can run a search of that many
	// shards (every process must own at least one).
	Check(shards int) error
	// Owns reports whether this process computes shard i of every batch.
	Owns(i, shards int) bool
	// Exchange is called once per batch, with the same step number in
	// every process: it sends the shards this process computed and fills
	// in the others' (their slices may be reused).
	Exchange(step int, shards []supernet.Shard) error
}

// Ranked is shard ownership by rank: shard i belongs to process i mod Size.
type Ranked struct{ Rank, Size int }

// Check reports whether every process owns a shard.
func (g Ranked) Check(shards int) error {
	if g.Size < 1 || g.Rank < 0 || g.Rank >= g.Size {
		return fmt.Errorf("search: process %d of %d", g.Rank, g.Size)
	}
	if g.Size > shards {
		return fmt.Errorf("search: %d processes for %d shards: each needs at least one (accepted: at most shards processes)", g.Size, shards)
	}
	return nil
}

// Owns reports whether shard i is this rank's.
func (g Ranked) Owns(i, shards int) bool { return i%g.Size == g.Rank }

// LocalGroup runs a sharded search on goroutines of this process, one
// search per member, exchanging shards through memory: what the page does
// with Web Workers, for tests and for the command line's comparison of
// process counts.
type LocalGroup struct {
	size  int
	mu    sync.Mutex
	cond  *sync.Cond
	step  int
	round [][]supernet.Shard // per member, the shards it sent this round
	in    int                // members that have sent this round
	out   int                // members that have read this round
	err   error
}

// NewLocalGroup returns a group of size members; Member(i) is the Group
// the i-th search runs with.
func NewLocalGroup(size int) *LocalGroup {
	g := &LocalGroup{size: size, round: make([][]supernet.Shard, size)}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Member returns the i-th member's view of the group.
func (g *LocalGroup) Member(i int) Group {
	return &localMember{g: g, Ranked: Ranked{Rank: i, Size: g.size}}
}

// Fail makes every waiting and later Exchange return err (a member whose
// search failed must call it, or the others wait for it forever).
func (g *LocalGroup) Fail(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err == nil {
		g.err = err
	}
	g.cond.Broadcast()
}

type localMember struct {
	Ranked
	g *LocalGroup
}

func (m *localMember) Exchange(step int, shards []supernet.Shard) error {
	g := m.g
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.out != 0 && g.err == nil { // the last round is still being read
		g.cond.Wait()
	}
	if g.err != nil {
		return g.err
	}
	if g.in == 0 {
		g.step = step
	} else if step != g.step {
		return fmt.Errorf("search: member %d is at exchange %d, another at %d", m.Rank, step, g.step)
	}
	own := make([]supernet.Shard, len(shards))
	for i := range shards {
		if m.Owns(i, len(shards)) {
			own[i] = supernet.Shard{F32: append([]float32(nil), shards[i].F32...), F64: append([]float64(nil), shards[i].F64...)}
		}
	}
	g.round[m.Rank] = own
	g.in++
	if g.in == g.size {
		g.out = g.size
		g.cond.Broadcast()
	}
	for g.in != g.size && g.err == nil {
		g.cond.Wait()
	}
	if g.err != nil {
		return g.err
	}
	for i := range shards {
		if !m.Owns(i, len(shards)) {
			src := g.round[i%g.size][i]
			shards[i].F32 = append(shards[i].F32[:0], src.F32...)
			shards[i].F64 = append(shards[i].F64[:0], src.F64...)
		}
	}
	g.out--
	if g.out == 0 {
		g.in = 0
		g.cond.Broadcast()
	}
	return nil
}
