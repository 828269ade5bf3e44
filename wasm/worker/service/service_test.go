package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/supernet"
	"github.com/dian-explorer/dian/wasm/protocol"
)

// quick is a search on the 8×8 digits that takes about a second natively.
const quick = "v=1&dataset=digits8&epochs=1&warmup=1&finetune=1&accelsteps=20&finalsteps=100"

// quickSearches run from the shipped snapshot and with a warm-up here.
var quickSearches = []string{quick + "&pretrained=1", quick + "&pretrained=0"}

var repoRoot = filepath.Join("..", "..", "..")

// siteFetch reads the checkout as the server would serve it.
func siteFetch(ctx context.Context, path string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(path)))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("fetching %s: %w", path, fs.ErrNotExist)
	}
	return b, err
}

// message is any message the service posts, decoded loosely, with its bytes.
type message struct {
	Type     string             `msgpack:"type"`
	ID       int64              `msgpack:"id"`
	State    string             `msgpack:"state"`
	Message  string             `msgpack:"message"`
	JSON     string             `msgpack:"json"`
	Network  string             `msgpack:"network"`
	Compact  string             `msgpack:"compact"`
	ONNX     []byte             `msgpack:"onnx"`
	Problems []protocol.Problem `msgpack:"problems"`
	raw      []byte
}

// harness runs a service and collects what it posts.
type harness struct {
	svc *Service
	out chan message
	// checkpoints are the Checkpoint messages until has passed over.
	checkpoints []protocol.Checkpoint
}

func newHarness(t *testing.T, fetch Fetch) *harness {
	h := &harness{out: make(chan message, 100000)}
	h.svc = New(func(b []byte) {
		var m message
		if err := msgpack.Unmarshal(b, &m); err != nil {
			t.Errorf("the service posted an unreadable message: %v", err)
		}
		m.raw = b
		h.out <- m
	}, fetch, "test")
	return h
}

func (h *harness) send(t *testing.T, v any) {
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	h.svc.Handle(b)
}

// next returns the next message, failing after a generous timeout (the
// search may run on a loaded machine).
func (h *harness) next(t *testing.T) message {
	t.Helper()
	select {
	case m := <-h.out:
		return m
	case <-time.After(2 * time.Minute):
		t.Fatal("no message from the service within 2 minutes")
	}
	return message{}
}

// until returns the first message of the given type, and the progress
// messages before it.
func (h *harness) until(t *testing.T, typ string) (message, []protocol.Progress) {
	t.Helper()
	var progress []protocol.Progress
	for {
		m := h.next(t)
		if m.Type == typ {
			return m, progress
		}
		if m.Type == "checkpoint" {
			var c protocol.Checkpoint
			if err := msgpack.Unmarshal(m.raw, &c); err != nil {
				t.Fatal(err)
			}
			h.checkpoints = append(h.checkpoints, c)
			continue
		}
		if m.Type != "progress" {
			t.Fatalf("got a %q message (%s), want progress until %q", m.Type, m.Message, typ)
		}
		var p protocol.Progress
		if err := msgpack.Unmarshal(m.raw, &p); err != nil {
			t.Fatal(err)
		}
		progress = append(progress, p)
	}
}

// quiet asserts that nothing is posted for a while (a held search).
func (h *harness) quiet(t *testing.T, what string) {
	t.Helper()
	select {
	case m := <-h.out:
		t.Fatalf("%s posted a %q message", what, m.Type)
	case <-time.After(300 * time.Millisecond):
	}
}

// control sends a control action and checks the state it reports.
func (h *harness) control(t *testing.T, id int64, action, want string) {
	t.Helper()
	h.send(t, protocol.Control{Type: "control", ID: id, Action: action})
	if reply, _ := h.until(t, "control"); reply.State != want || reply.ID != id {
		t.Fatalf("%s: reply %+v, want state %s for id %d", action, reply, want, id)
	}
}

// withoutTiming parses result JSON and drops the fields that may differ
// between runs.
func withoutTiming(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("result is not JSON: %v", err)
	}
	delete(m, "timing")
	return m
}

// loadFragment parses a search's fragment and loads what it runs on from
// the repository's assets, as the page's worker loads them.
func loadFragment(t *testing.T, fragment string) (share.Link, search.Input) {
	t.Helper()
	link, err := share.Parse(fragment)
	if err != nil {
		t.Fatal(err)
	}
	in, err := search.LoadInput(os.DirFS(filepath.Join(repoRoot, "assets")), link.Config)
	if err != nil {
		t.Fatal(err)
	}
	return link, in
}

// directRun runs the fragment's search in this process, as `dian search
// -json -onnx-out` does, and returns its JSON and its ONNX model.
func directRun(t *testing.T, fragment string) (result, model []byte) {
	t.Helper()
	link, in := loadFragment(t, fragment)
	in.Trained = func(net *supernet.Supernet, path supernet.Path) error {
		var err error
		model, err = search.ExportONNX(net, path, in.Data)
		return err
	}
	res, err := search.Run(context.Background(), link.Config, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ResultJSON(res)
	if err != nil {
		t.Fatal(err)
	}
	return b, model
}

func TestSearchGivesTheCLIResult(t *testing.T) {
	for _, frag := range quickSearches {
		t.Run(frag[len(quick)+1:], func(t *testing.T) { testSearchGivesTheCLIResult(t, frag) })
	}
}

func testSearchGivesTheCLIResult(t *testing.T, fragment string) {
	h := newHarness(t, siteFetch)
	start := time.Now()
	h.send(t, protocol.ParseRequest{Type: "search", ID: 7, Fragment: "#" + fragment})
	res, progress := h.until(t, "result")
	elapsed := time.Since(start)
	if res.ID != 7 {
		t.Errorf("result id %d, want 7", res.ID)
	}
	direct, model := directRun(t, fragment)
	got, want := withoutTiming(t, []byte(res.JSON)), withoutTiming(t, direct)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the service's result differs from search.Run's:\n got %.400v\nwant %.400v", got, want)
	}
	if !strings.HasSuffix(res.JSON, "}\n") || !strings.Contains(res.JSON, "\n  \"network\": {") {
		t.Errorf("result JSON is not indented as dian search -json prints it: %.80q", res.JSON)
	}
	checkExportFiles(t, res)
	// The network's ONNX model is the CLI's, byte for byte.
	if !bytes.Equal(res.ONNX, model) || len(model) == 0 {
		t.Errorf("the result's ONNX model (%d bytes) is not the one dian search -onnx-out writes (%d bytes)", len(res.ONNX), len(model))
	}
	if c, err := report.DecodeCompact(res.Compact); err != nil || fmt.Sprint(c.Ops) != fmt.Sprint(got["network"].(map[string]any)["ops"]) {
		t.Errorf("compact result %+v (%v) does not carry the network %v", c, err, got["network"].(map[string]any)["ops"])
	}

	if len(progress) < 2 {
		t.Fatalf("%d progress messages, want several", len(progress))
	}
	phases, dists := 0, 0
	for i, p := range progress {
		d, err := p.DecodeHWDist()
		if err != nil {
			t.Errorf("progress %d: %v", i, err)
		}
		if d != nil {
			dists++
			if d.Engine != "reinforce" || len(d.Decisions) != 32 {
				t.Errorf("progress %d: a distribution of engine %q over %d decisions, want reinforce's over zc706's 32", i, d.Engine, len(d.Decisions))
			}
		}
		if p.ID != 7 || p.Steps <= 0 || p.Step > p.Steps {
			t.Errorf("progress %d = id %d step %d/%d", i, p.ID, p.Step, p.Steps)
		}
		if i > 0 && p.Step < progress[i-1].Step {
			t.Errorf("progress went back from step %d to %d", progress[i-1].Step, p.Step)
		}
		if i == 0 || p.Phase != progress[i-1].Phase {
			phases++
		}
		if p.Blocks > 0 {
			if _, err := p.DecodeProbs(); err != nil {
				t.Errorf("progress %d: %v", i, err)
			}
		}
	}
	if last := progress[len(progress)-1]; last.Phase != report.PhaseDone || last.Step != last.Steps {
		t.Errorf("last progress is %s at %d/%d, want done at the end", last.Phase, last.Step, last.Steps)
	} else if d, _ := last.DecodeHWDist(); d == nil || len(d.Best) != len(d.Decisions) {
		t.Errorf("the done message carries no accelerator distribution with the best design (%+v)", d)
	}
	if dists < 3 { // at least the epoch's end, final-hw and done
		t.Errorf("%d progress messages carry the accelerator distribution, want at least 3", dists)
	}
	// Throttled: beside one message per phase, at most one per interval.
	if limit := phases + 1 + int(elapsed/ProgressInterval); len(progress) > limit {
		t.Errorf("%d progress messages in %v over %d phases, want at most %d", len(progress), elapsed, phases, limit)
	}
}

// checkExportFiles checks that the result's design and network are files
// `dian export -design D -net N` reads, and that the design runs the network.
func checkExportFiles(t *testing.T, res message) {
	t.Helper()
	net, err := accel.DecodeNetwork([]byte(res.Network), "network.json")
	if err != nil {
		t.Fatalf("the result's network is not a network file: %v", err)
	}
	var r struct {
		Accelerator json.RawMessage `json:"accelerator"`
		Network     struct {
			MACs int64 `json:"macs"`
		} `json:"network"`
	}
	if err := json.Unmarshal([]byte(res.JSON), &r); err != nil {
		t.Fatal(err)
	}
	var macs int64
	for _, l := range net.Layers {
		macs += l.MACs()
	}
	if macs != r.Network.MACs {
		t.Errorf("network file has %d MACs, the result says %d", macs, r.Network.MACs)
	}
	d, err := accel.DecodeDesign(r.Accelerator, "design.json")
	if err != nil {
		t.Fatalf("the result's accelerator is not a design file: %v", err)
	}
	if plan, err := accel.Plan(d, net, accel.Corrected); err != nil || len(plan) != len(net.Layers) {
		t.Errorf("accel.Plan(design, network) = %v, %v; want a chunk per layer", plan, err)
	}
}

func TestSearchRefusesABadLink(t *testing.T) {
	h := newHarness(t, siteFetch)
	h.send(t, protocol.ParseRequest{Type: "search", ID: 3, Fragment: "v=1&dataset=digits8&epochs=0&colour=red"})
	m := h.next(t)
	if m.Type != "error" || m.ID != 3 {
		t.Fatalf("reply %+v, want an error for id 3", m)
	}
	var keys []string
	for _, p := range m.Problems {
		keys = append(keys, p.Key)
	}
	if strings.Join(keys, ",") != "epochs,colour" || !strings.Contains(m.Message, "epochs: ") || !strings.Contains(m.Message, "from 1 to 200") {
		t.Errorf("error %q with problems %v, want epochs and colour named with what they accept", m.Message, keys)
	}
}

func TestSearchWithoutTheSnapshot(t *testing.T) {
	noSnapshots := func(ctx context.Context, path string) ([]byte, error) {
		if strings.HasPrefix(path, "assets/snapshots/") {
			return nil, fmt.Errorf("fetching %s: %w", path, fs.ErrNotExist)
		}
		return siteFetch(ctx, path)
	}
	h := newHarness(t, noSnapshots)
	h.send(t, protocol.ParseRequest{Type: "search", ID: 1, Fragment: quick + "&pretrained=1"})
	m, _ := h.until(t, "error")
	if !strings.HasPrefix(m.Message, "pretrained: ") || !strings.Contains(m.Message, "pretrained=0") {
		t.Errorf("error %q does not name the pretrained key and its alternative", m.Message)
	}
}

func TestPauseStepResumeStop(t *testing.T) {
	h := newHarness(t, siteFetch)
	h.send(t, protocol.ParseRequest{Type: "search", ID: 9, Fragment: "v=1&dataset=digits8&pretrained=0&warmup=20&epochs=20"})
	if m := h.next(t); m.Type != "progress" {
		t.Fatalf("first message is %q (%s), want progress", m.Type, m.Message)
	}
	h.control(t, 10, "pause", "paused")
	// The paused search posts the event it holds at, marked held (after
	// any event that was in flight), then nothing.
	var before protocol.Progress
	for i := 0; !before.Held; i++ {
		if at := h.next(t); at.Type != "progress" || msgpack.Unmarshal(at.raw, &before) != nil || i == 3 {
			t.Fatalf("after pause: %q (%s), want a held progress message", at.Type, at.Message)
		}
	}
	h.quiet(t, "a paused search")

	h.control(t, 11, "step", "paused")
	stepped := h.next(t)
	var after protocol.Progress
	msgpack.Unmarshal(stepped.raw, &after)
	if stepped.Type != "progress" || after.Step != before.Step+1 || !before.Held || !after.Held {
		t.Fatalf("step gave %q at step %d (held %v, paused at %d held %v), want a held progress at step %d", stepped.Type, after.Step, after.Held, before.Step, before.Held, before.Step+1)
	}
	h.quiet(t, "after one step the search")

	h.control(t, 12, "resume", "running")
	h.control(t, 13, "stop", "stopped")
	if m, _ := h.until(t, "error"); m.ID != 9 || m.Message != protocol.Stopped {
		t.Errorf("stopped search ended with %+v, want %q for id 9", m, protocol.Stopped)
	}
	h.control(t, 14, "pause", "idle")
}

// A stopped search posts its state before it ends; sent back with the same
// fragment, the search continues from it to the result search.Run gives
// uninterrupted.
func TestStopKeepsACheckpointThatResumes(t *testing.T) {
	const frag = "v=2&dataset=digits8&epochs=2&finetune=0.5&accelsteps=20&finalsteps=100"
	h := newHarness(t, siteFetch)
	h.send(t, protocol.ParseRequest{Type: "search", ID: 21, Fragment: frag})
	if m := h.next(t); m.Type != "progress" {
		t.Fatalf("first message is %q (%s), want progress", m.Type, m.Message)
	}
	h.control(t, 22, "stop", "stopped")
	if m, _ := h.until(t, "error"); m.ID != 21 || m.Message != protocol.Stopped {
		t.Fatalf("stopped search ended with %+v", m)
	}
	if len(h.checkpoints) == 0 {
		t.Fatal("the stopped search posted no checkpoint")
	}
	c := h.checkpoints[len(h.checkpoints)-1]
	if c.ID != 21 || c.Step <= 0 || c.Step >= c.Steps || len(c.State) == 0 {
		t.Fatalf("checkpoint for id %d at step %d of %d with %d bytes of state", c.ID, c.Step, c.Steps, len(c.State))
	}
	h.send(t, protocol.ParseRequest{Type: "search", ID: 23, Fragment: frag, Resume: c.State})
	res, _ := h.until(t, "result")
	direct, _ := directRun(t, frag)
	got, want := withoutTiming(t, []byte(res.JSON)), withoutTiming(t, direct)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("resumed from step %d, the result differs from search.Run's uninterrupted one:\n got %.400v\nwant %.400v", c.Step, got, want)
	}

	// A checkpoint of another search is refused, saying so.
	h.send(t, protocol.ParseRequest{Type: "search", ID: 24, Fragment: frag + "&seed=7", Resume: c.State})
	if m, _ := h.until(t, "error"); m.ID != 24 || !strings.Contains(m.Message, "does not match") {
		t.Errorf("resuming another search's checkpoint: %+v", m)
	}
}

func TestOtherRequestsReachTheProtocol(t *testing.T) {
	h := newHarness(t, siteFetch)
	h.send(t, map[string]any{"type": "keys", "id": 2})
	if m := h.next(t); m.Type != "keys" || m.ID != 2 {
		t.Errorf("keys reply %+v", m)
	}
	h.svc.Handle(bytes.Repeat([]byte{0xc1}, 3))
	if m := h.next(t); m.Type != "error" {
		t.Errorf("garbage gave %+v, want an error", m)
	}
}

// FuzzServiceHandle: whatever the page sends, the service answers with
// messages of known types and never panics. Searches it starts fail at
// once here, because the site has no files.
func FuzzServiceHandle(f *testing.F) {
	for _, v := range []any{
		protocol.ParseRequest{Type: "search", ID: 1, Fragment: quick},
		protocol.ParseRequest{Type: "search", ID: 2, Fragment: "v=1&epochs=0"},
		protocol.Control{Type: "control", ID: 3, Action: "step"},
		protocol.Control{Type: "control", ID: 4, Action: "jump"},
		map[string]any{"type": "search", "id": "x", "fragment": 3},
		map[string]any{"type": "parse", "id": 5, "fragment": "#v=1&run=1"},
	} {
		b, err := msgpack.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	noSite := func(ctx context.Context, path string) ([]byte, error) {
		return nil, fmt.Errorf("fetching %s: %w", path, fs.ErrNotExist)
	}
	known := map[string]bool{"pong": true, "keys": true, "parsed": true, "error": true, "control": true, "progress": true, "result": true}
	f.Fuzz(func(t *testing.T, msg []byte) {
		var posted []string
		var mu sync.Mutex
		svc := New(func(b []byte) {
			var m message
			if err := msgpack.Unmarshal(b, &m); err != nil {
				t.Errorf("unreadable message posted for %x: %v", msg, err)
			}
			mu.Lock()
			posted = append(posted, m.Type)
			mu.Unlock()
		}, noSite, "fuzz")
		svc.Handle(msg)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			svc.mu.Lock()
			running := svc.job != nil
			svc.mu.Unlock()
			if !running {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a search started by %x did not end", msg)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(posted) == 0 {
			t.Errorf("no reply to %x", msg)
		}
		for _, typ := range posted {
			if !known[typ] {
				t.Errorf("reply of unknown type %q to %x", typ, msg)
			}
		}
	})
}

func TestSearchStartsPaused(t *testing.T) {
	h := newHarness(t, siteFetch)
	h.send(t, protocol.ParseRequest{Type: "search", ID: 5, Fragment: quick + "&pretrained=0", Paused: true})
	// The first event, marked as the one the search holds at.
	m := h.next(t)
	var first protocol.Progress
	if m.Type != "progress" || msgpack.Unmarshal(m.raw, &first) != nil {
		t.Fatalf("first message is %q (%s), want progress", m.Type, m.Message)
	}
	if !first.Held {
		t.Errorf("the first event of a search started paused is not marked held")
	}
	h.quiet(t, "a search started paused")
	h.control(t, 6, "resume", "running")
	if m, _ := h.until(t, "result"); m.ID != 5 {
		t.Errorf("result for id %d, want 5", m.ID)
	}
}

// TestThrottledDistributionRidesOn checks that an accelerator distribution
// whose event the throttle drops reaches the page with the next message.
func TestThrottledDistributionRidesOn(t *testing.T) {
	var posted []protocol.Progress
	j := &job{id: 1, post: func(b []byte) {
		var p protocol.Progress
		if err := msgpack.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		posted = append(posted, p)
	}}
	j.gate.cond = sync.NewCond(&j.gate.mu)
	dist := &report.HWDist{Engine: "random", Decisions: []string{"array.dataflow"}, Options: [][]string{{"os", "ws", "is"}},
		Probs: [][]float64{{0.25, 0.5, 0.25}}}
	// The clock of the last post is set by hand: "just posted" drops an
	// event, "long ago" posts it.
	justPosted, longAgo := func() { j.lastPost = time.Now().Add(time.Hour) }, func() { j.lastPost = time.Time{} }
	j.observe(report.Event{Phase: report.PhaseSearch, Step: 1, Steps: 9})
	justPosted()
	j.observe(report.Event{Phase: report.PhaseSearch, Step: 2, Steps: 9, HWDist: dist})
	longAgo()
	j.observe(report.Event{Phase: report.PhaseSearch, Step: 3, Steps: 9})
	longAgo()
	j.observe(report.Event{Phase: report.PhaseSearch, Step: 4, Steps: 9})
	if len(posted) != 3 || posted[1].Step != 3 {
		t.Fatalf("posted %d messages (%+v), want steps 1, 3 and 4", len(posted), posted)
	}
	for i, want := range []bool{false, true, false} {
		d, err := posted[i].DecodeHWDist()
		if err != nil || (d != nil) != want {
			t.Errorf("message %d (step %d): distribution %+v, %v; want one: %v", i, posted[i].Step, d, err, want)
		}
	}
	if d, _ := posted[1].DecodeHWDist(); d != nil && d.Probs[0][1] != 0.5 {
		t.Errorf("the carried distribution is %v, want the dropped event's", d.Probs)
	}
}
