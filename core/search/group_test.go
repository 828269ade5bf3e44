package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/dian-explorer/dian/core/report"
)

// resultBytes is a result's JSON without its timing.
func resultBytes(t *testing.T, res *report.Result) []byte {
	t.Helper()
	res.Timing = report.Timing{}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A sharded search gives the same result, byte for byte, on one process
// and on 2 or 4 exchanging their shards (as the page's Web Workers do),
// every member alike: the shards are summed in shard order wherever they
// were computed. The configurations cover hard and soft sampling, a
// precision search (its quantizers' running ranges travel with the
// shards) and a baseline.
func TestShardedSearchIsTheSameOnAnyNumberOfProcesses(t *testing.T) {
	for _, frag := range []string{
		"v=2&dataset=digits8&shards=4&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100&baselines=random",
		"v=2&dataset=digits8&shards=4&bits=4,6,8&sampling=soft&seed=3&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100",
	} {
		cfg := parse(t, frag)
		in := loadInput(t, cfg)
		res, err := Run(context.Background(), cfg, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := resultBytes(t, res)
		for _, size := range []int{2, 3, 4} {
			t.Run(fmt.Sprintf("%s/%d", frag, size), func(t *testing.T) {
				g := NewLocalGroup(size)
				got := make([][]byte, size)
				errs := make([]error, size)
				var wg sync.WaitGroup
				for i := range size {
					wg.Add(1)
					go func() {
						defer wg.Done()
						min := in
						min.Group = g.Member(i)
						res, err := Run(context.Background(), cfg, min, nil)
						if err != nil {
							errs[i] = err
							g.Fail(err)
							return
						}
						res.Timing = report.Timing{}
						got[i], errs[i] = json.Marshal(res)
					}()
				}
				wg.Wait()
				for i := range size {
					if errs[i] != nil {
						t.Fatalf("member %d: %v", i, errs[i])
					}
					if !bytes.Equal(got[i], want) {
						d, _ := report.Diff(got[i], want)
						t.Errorf("member %d of %d: the result differs from one process's at %s", i, size, d)
					}
				}
			})
		}
	}
}

// A group of more processes than shards, or shards that do not divide
// the batch, is refused with what is accepted.
func TestShardedSearchRefuses(t *testing.T) {
	cfg := parse(t, "v=2&dataset=digits8&shards=2&epochs=1&finetune=0.5&accelsteps=20&finalsteps=100")
	in := loadInput(t, cfg)
	in.Group = NewLocalGroup(4).Member(0)
	if _, err := Run(context.Background(), cfg, in, nil); err == nil {
		t.Errorf("4 processes for 2 shards accepted")
	}
	cfg = parse(t, "v=2&dataset=digits8&shards=3&epochs=1")
	if _, err := Run(context.Background(), cfg, loadInput(t, cfg), nil); err == nil {
		t.Errorf("shards=3 with batch=32 accepted")
	}
}
