package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/supernet"
)

// A group of workers training one sharded search (search.Group), wired as
// a star: the leader (rank 0) has a Port to each helper, each helper one
// to the leader. At every batch a helper posts the leader the shards it
// computed and waits for the rest; the leader waits for every helper's,
// then posts each helper the shards it lacks. The worker's main package
// supplies the Ports (MessagePorts); tests use channels.

// PeerMessage is what one worker posts another at one exchange: shards
// Index[k] of exchange Step, as F32[k] and F64[k] (supernet.Shard's).
// Err, set by a Port that could not read a message, fails the exchange.
type PeerMessage struct {
	Step  int
	Index []int
	F32   [][]float32
	F64   [][]float64
	Err   error
}

// Port is one end of a channel to a peer worker.
type Port interface {
	// Post sends a copy of m: the caller reuses m's slices once Post
	// returns (a MessagePort copies them into the buffers it transfers).
	Post(m PeerMessage)
	// Inbox delivers the peer's messages in order.
	Inbox() <-chan PeerMessage
	// Close stops the port (when its search ends).
	Close()
}

// StopGrace is how long a stopped search still waits for its peers'
// shards of the step it is in.
const StopGrace = 2 * time.Second

// MaxShardValues bounds the values one shard of a peer's message may hold
// (the largest layout's weight gradients are far below it).
const MaxShardValues = 1 << 26

type starGroup struct {
	search.Ranked
	ctx   context.Context
	ports []Port
}

// NewStarGroup returns the group member of rank among size workers, whose
// ports are the leader's size−1 (helper r at ports[r−1]) or a helper's one.
func NewStarGroup(ctx context.Context, rank, size int, ports []Port) (search.Group, error) {
	g := &starGroup{Ranked: search.Ranked{Rank: rank, Size: size}, ctx: ctx, ports: ports}
	want := 1
	if rank == 0 {
		want = size - 1
	}
	if size < 2 || rank < 0 || rank >= size || len(ports) != want {
		return nil, fmt.Errorf("worker: rank %d of %d needs %d ports to its peers; it has %d", rank, size, want, len(ports))
	}
	context.AfterFunc(ctx, func() {
		for _, p := range ports {
			p.Close()
		}
	})
	return g, nil
}

func (g *starGroup) Exchange(step int, shards []supernet.Shard) error {
	n := len(shards)
	if g.Rank > 0 {
		g.ports[0].Post(peerMessage(step, shards, func(i int) bool { return g.Owns(i, n) }))
		return g.receive(g.ports[0], step, shards, func(i int) bool { return !g.Owns(i, n) })
	}
	for h := 1; h < g.Size; h++ {
		owner := search.Ranked{Rank: h, Size: g.Size}
		if err := g.receive(g.ports[h-1], step, shards, func(i int) bool { return owner.Owns(i, n) }); err != nil {
			return fmt.Errorf("from worker %d: %w", h, err)
		}
	}
	for h := 1; h < g.Size; h++ {
		owner := search.Ranked{Rank: h, Size: g.Size}
		g.ports[h-1].Post(peerMessage(step, shards, func(i int) bool { return !owner.Owns(i, n) }))
	}
	return nil
}

// peerMessage holds the shards pick chooses.
func peerMessage(step int, shards []supernet.Shard, pick func(int) bool) PeerMessage {
	m := PeerMessage{Step: step}
	for i, sh := range shards {
		if pick(i) {
			m.Index = append(m.Index, i)
			m.F32 = append(m.F32, sh.F32)
			m.F64 = append(m.F64, sh.F64)
		}
	}
	return m
}

// receive waits for port's message of step and puts its shards in shards;
// expect says which it must hold, exactly.
func (g *starGroup) receive(port Port, step int, shards []supernet.Shard, expect func(int) bool) error {
	var m PeerMessage
	select {
	case m = <-port.Inbox():
	case <-g.ctx.Done():
		// A stopped search finishes the step it is in, so the next step
		// boundary keeps it in a checkpoint: the peers, computing their
		// shards of it, answer within milliseconds. A peer that does not
		// has failed, and the search stops without this step.
		select {
		case m = <-port.Inbox():
		case <-time.After(StopGrace):
			return g.ctx.Err()
		}
	}
	if m.Err != nil {
		return m.Err
	}
	if m.Step != step {
		return fmt.Errorf("a peer sent the shards of exchange %d at exchange %d", m.Step, step)
	}
	if len(m.F32) != len(m.Index) || len(m.F64) != len(m.Index) {
		return errors.New("a peer's message has shards without their values")
	}
	want := 0
	for i := range shards {
		if expect(i) {
			want++
		}
	}
	seen := map[int]bool{}
	for k, i := range m.Index {
		if i < 0 || i >= len(shards) || !expect(i) || seen[i] {
			return fmt.Errorf("a peer sent shard %d, not one of those it owes", i)
		}
		if len(m.F32[k])+len(m.F64[k]) > MaxShardValues {
			return fmt.Errorf("a peer's shard %d holds %d values, more than %d", i, len(m.F32[k])+len(m.F64[k]), MaxShardValues)
		}
		seen[i] = true
		shards[i] = supernet.Shard{F32: m.F32[k], F64: m.F64[k]}
	}
	if len(seen) != want {
		return fmt.Errorf("a peer sent %d shards, want %d", len(seen), want)
	}
	return nil
}
