package service

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/supernet"
)

// chanPort is one end of an in-memory channel between two workers.
type chanPort struct {
	in, out chan PeerMessage
}

// Post copies m's values, as a MessagePort does.
func (p chanPort) Post(m PeerMessage) {
	c := PeerMessage{Step: m.Step, Index: append([]int(nil), m.Index...), Err: m.Err}
	for k := range m.Index {
		c.F32 = append(c.F32, append([]float32(nil), m.F32[k]...))
		c.F64 = append(c.F64, append([]float64(nil), m.F64[k]...))
	}
	if m.Index == nil {
		c.F32, c.F64 = m.F32, m.F64
	}
	p.out <- c
}

func (p chanPort) Inbox() <-chan PeerMessage { return p.in }
func (p chanPort) Close()                    {}

// star wires size members as the page does: the leader's port r−1 talks
// to helper r's only port.
func star(size int) [][]Port {
	ports := make([][]Port, size)
	for h := 1; h < size; h++ {
		up, down := make(chan PeerMessage, 4), make(chan PeerMessage, 4)
		ports[0] = append(ports[0], chanPort{in: up, out: down})
		ports[h] = []Port{chanPort{in: down, out: up}}
	}
	return ports
}

// Workers wired as a star, as the page wires its Web Workers, give every
// member the result one worker alone gives.
func TestStarGroupGivesTheResultOfOneWorker(t *testing.T) {
	const frag = "v=3&dataset=digits8&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100"
	link, in := loadFragment(t, frag)
	run := func(in search.Input) ([]byte, error) {
		res, err := search.Run(context.Background(), link.Config, in, nil)
		if err != nil {
			return nil, err
		}
		res.Timing = report.Timing{}
		return json.Marshal(res)
	}
	want, err := run(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{2, 3, 4} {
		ports := star(size)
		got := make([][]byte, size)
		errs := make([]error, size)
		var wg sync.WaitGroup
		for r := range size {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g, err := NewStarGroup(context.Background(), r, size, ports[r])
				if err != nil {
					errs[r] = err
					return
				}
				member := in
				member.Group = g
				got[r], errs[r] = run(member)
			}()
		}
		wg.Wait()
		for r := range size {
			if errs[r] != nil {
				t.Fatalf("%d workers, rank %d: %v", size, r, errs[r])
			}
			if !bytes.Equal(got[r], want) {
				d, _ := report.Diff(got[r], want)
				t.Errorf("%d workers, rank %d: the result differs from one worker's at %s", size, r, d)
			}
		}
	}
}

// A peer's message that is not what the exchange expects fails it with
// an error that says what was wrong, never a panic.
func TestStarGroupRefusesBadMessages(t *testing.T) {
	shards := func() []supernet.Shard { return make([]supernet.Shard, 4) }
	for _, tc := range []struct {
		name string
		m    PeerMessage
		want string
	}{
		{"another step", PeerMessage{Step: 7, Index: []int{1, 3}, F32: make([][]float32, 2), F64: make([][]float64, 2)}, "exchange 7 at exchange 0"},
		{"a shard it does not own", PeerMessage{Index: []int{1, 2}, F32: make([][]float32, 2), F64: make([][]float64, 2)}, "shard 2"},
		{"out of range", PeerMessage{Index: []int{1, 9}, F32: make([][]float32, 2), F64: make([][]float64, 2)}, "shard 9"},
		{"too few", PeerMessage{Index: []int{1}, F32: make([][]float32, 1), F64: make([][]float64, 1)}, "sent 1 shards, want 2"},
		{"twice", PeerMessage{Index: []int{1, 1}, F32: make([][]float32, 2), F64: make([][]float64, 2)}, "shard 1"},
		{"values missing", PeerMessage{Index: []int{1, 3}, F32: make([][]float32, 1), F64: make([][]float64, 2)}, "without their values"},
		{"unreadable", PeerMessage{Err: errFake}, "fake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ports := star(2)
			g, err := NewStarGroup(context.Background(), 0, 2, ports[0])
			if err != nil {
				t.Fatal(err)
			}
			ports[1][0].(chanPort).out <- tc.m // as the helper's port delivers it, malformed or not
			err = g.Exchange(0, shards())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Exchange: %v, want an error about %q", err, tc.want)
			}
		})
	}
	if _, err := NewStarGroup(context.Background(), 0, 3, star(2)[0]); err == nil {
		t.Errorf("a leader of 3 with 1 port accepted")
	}
	// A stopped search still takes its peers' shards of the step it is
	// in (so the step ends whole, for a checkpoint), then stops waiting.
	ctx, cancel := context.WithCancel(context.Background())
	ports := star(2)
	g, _ := NewStarGroup(ctx, 1, 2, ports[1])
	cancel()
	ports[0][0].Post(PeerMessage{Index: []int{0, 2}, F32: make([][]float32, 2), F64: make([][]float64, 2)})
	if err := g.Exchange(0, shards()); err != nil {
		t.Errorf("a stopped search's exchange, its peer answering: %v", err)
	}
	if err := g.Exchange(1, shards()); err == nil {
		t.Errorf("a stopped search's exchange, its peer silent, returned nil")
	}
}

var errFake = &fakeError{}

type fakeError struct{}

func (*fakeError) Error() string { return "fake read failure" }
