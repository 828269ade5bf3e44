package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/dian-explorer/dian/core/supernet"
	"github.com/dian-explorer/dian/core/wire"
	"github.com/dian-explorer/dian/wasm/protocol"
)

// YieldInterval is the longest a search runs without letting the worker
// take the page's messages (see eventLoopContext): the delay before a
// pause, stop or parse is handled while a search runs. Measured in
// Chromium on the default search: 100 ms and 50 ms cost nothing (35.9 s,
// 36.0 s), 25 ms costs 10 % (39.6 s); Stop took 130–400 ms at 100 ms and
// 34–237 ms at 50 ms (with the 31 ms a checkpoint takes to save).
const YieldInterval = 50 * time.Millisecond

// ProgressInterval is the least time between two progress messages of a
// running search: at most 20 a second, which the page and the view draw
// without falling behind. Phase changes, the last event and every event
// while paused are posted at once.
const ProgressInterval = 50 * time.Millisecond

// CheckpointInterval is how often a running search posts its state (a
// Checkpoint) for the page to keep: what a reload, a crash or a closed tab
// can cost at most. A save takes a few milliseconds.
const CheckpointInterval = 5 * time.Second

// Service answers the page's requests. Handle is called for one message at
// a time; the search it starts runs on its own goroutine.
type Service struct {
	post    func([]byte)
	fetch   Fetch
	version string

	// Ports, when set, gives this worker's ports to its peers for a search
	// of rank and size (ParseRequest; NewStarGroup says which); nil
	// refuses groups.
	Ports func(rank, size int) ([]Port, error)

	mu        sync.Mutex
	job       *job // the running search; nil when none
	datasets  map[string]*data.Dataset
	snapshots map[string]*snapshot.Snapshot
}

// New returns a service that posts its messages with post (which must be
// safe to call from any goroutine), reads the site with fetch, and names
// its build version in results.
func New(post func([]byte), fetch Fetch, version string) *Service {
	return &Service{post: post, fetch: fetch, version: version,
		datasets: map[string]*data.Dataset{}, snapshots: map[string]*snapshot.Snapshot{}}
}

// Handle handles one message from the page.
func (s *Service) Handle(msg []byte) {
	var req protocol.Request
	if len(msg) <= protocol.MaxMessageBytes && wire.Unmarshal(msg, &req) == nil {
		switch req.Type {
		case "search":
			s.search(msg)
			return
		case "control":
			s.control(msg)
			return
		}
	}
	s.post(Answer(msg))
}

func (s *Service) postError(id int64, err error) {
	s.post(protocol.Encode(protocol.Error{Type: "error", ID: id, Message: err.Error()}))
}

// search checks the request's fragment and starts the search it describes,
// stopping any search still running.
func (s *Service) search(msg []byte) {
	var req protocol.ParseRequest
	if err := wire.Unmarshal(msg, &req); err != nil {
		s.postError(protocol.RequestID(msg), fmt.Errorf("worker: search: %w", err))
		return
	}
	link, err := share.Parse(req.Fragment)
	if err != nil {
		s.post(protocol.Encode(protocol.Error{Type: "error", ID: req.ID,
			Message: "the link has problems: " + err.Error(), Problems: Problems(err)}))
		return
	}
	inner, cancel := context.WithCancel(context.Background())
	ctx := &eventLoopContext{Context: inner, last: time.Now()}
	j := &job{id: req.ID, cancel: cancel, post: s.post}
	j.gate.cond = sync.NewCond(&j.gate.mu)
	j.gate.paused = req.Paused
	s.mu.Lock()
	if s.job != nil {
		s.job.stop()
	}
	s.job = j
	s.mu.Unlock()
	go s.run(ctx, j, link.Config, req)
}

// eventLoopContext is a running search's context in the worker. In wasm
// the page's messages, Stop among them, are delivered only while every
// goroutine waits, and a search computing for seconds without an event
// (the final accelerator search, fine-tuning) never waits. The search
// checks its context between steps and every 16 accelerator evaluations,
// so that check is where the worker lets the event loop run, once per
// YieldInterval: a Stop then takes effect within about that long.
// Err is called only from the search's goroutine.
type eventLoopContext struct {
	context.Context
	last time.Time
}

func (c *eventLoopContext) Err() error {
	if time.Since(c.last) >= YieldInterval {
		yieldToEventLoop()
		c.last = time.Now()
	}
	return c.Context.Err()
}

func (s *Service) run(ctx context.Context, j *job, cfg share.Config, req protocol.ParseRequest) {
	defer func() {
		s.mu.Lock()
		if s.job == j {
			s.job = nil
		}
		s.mu.Unlock()
		j.cancel()
	}()
	start := time.Now()
	in, err := s.input(ctx, cfg)
	if err == nil && req.Size > 1 {
		in.Group, err = s.group(ctx, cfg, req.Rank, req.Size)
	}
	if err == nil {
		load := time.Since(start).Seconds()
		in.Resume = req.Resume
		var model []byte
		observe := j.observe
		if req.Rank > 0 {
			// A helper: the leader reports the search, keeps its
			// checkpoints and exports its network.
			observe = func(report.Event) {}
		} else if cfg.Method == "cosearch" {
			in.Checkpoints = j.checkpoints()
			in.Trained = func(net *supernet.Supernet, path supernet.Path) error {
				model, _ = search.ExportONNX(net, path, in.Data) // an op set without export: no download
				return nil
			}
		}
		var res *report.Result
		res, err = search.Run(ctx, cfg, in, observe)
		if err == nil {
			var b, net []byte
			b, err = ResultJSON(res)
			if err == nil {
				net, err = NetworkJSON(in.Data, cfg.Ops, cfg.Space, res.Network.Ops, res.Network.Bits)
			}
			if err == nil {
				compact, _ := report.EncodeCompact(report.CompactOf(res)) // too large for a link: none
				s.post(protocol.Encode(protocol.Result{Type: "result", ID: j.id, JSON: string(b), LoadSeconds: load,
					Network: string(net), Compact: compact, ONNX: model}))
				return
			}
		}
	}
	if j.gate.isStopped() {
		err = errors.New(protocol.Stopped)
	}
	s.postError(j.id, err)
}

// group connects a search of rank and size to its peers.
func (s *Service) group(ctx context.Context, cfg share.Config, rank, size int) (search.Group, error) {
	if cfg.Shards < size {
		return nil, fmt.Errorf("worker: %d workers for shards=%d: each needs a shard (accepted: at most shards workers)", size, cfg.Shards)
	}
	if s.Ports == nil {
		return nil, errors.New("worker: this worker cannot join a group of workers")
	}
	ports, err := s.Ports(rank, size)
	if err != nil {
		return nil, err
	}
	return NewStarGroup(ctx, rank, size, ports)
}

// ResultJSON encodes a result exactly as `dian search -json` prints it
// (json.Encoder with a two-space indent, which ends in a newline).
func ResultJSON(r *report.Result) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("worker: encoding the result: %w", err)
	}
	return append(b, '\n'), nil
}

// NetworkJSON lowers a found network (its op per block in the supernet
// layout, and after a precision search its width per block; nil: every
// layer at 8 bits) to the layer list of `dian export -net`.
func NetworkJSON(ds *data.Dataset, opSet, layout string, ops []string, bits []int) ([]byte, error) {
	tr := ds.Train
	space, err := supernet.NewSpace(tr.H, tr.W, tr.C, tr.Classes, opSet, layout)
	if err != nil {
		return nil, err
	}
	path, err := supernet.ParsePath(strings.Join(ops, " "), space)
	if err != nil {
		return nil, fmt.Errorf("worker: the result's network: %w", err)
	}
	var widths supernet.Widths
	if bits != nil {
		if widths = bits; len(widths) != len(space.Blocks) {
			return nil, fmt.Errorf("worker: the result's network has %d widths for %d blocks", len(bits), len(space.Blocks))
		}
	}
	b, err := json.MarshalIndent(space.Network(path, widths), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("worker: encoding the network: %w", err)
	}
	return append(b, '\n'), nil
}

// input is search.LoadInput over the server, keeping what it loaded for
// the next search.
func (s *Service) input(ctx context.Context, cfg share.Config) (search.Input, error) {
	assets, err := fs.Sub(fetchFS{ctx: ctx, fetch: s.fetch}, "assets")
	if err != nil {
		return search.Input{}, err
	}
	in := search.Input{Version: s.version}
	s.mu.Lock()
	ds := s.datasets[cfg.Dataset]
	s.mu.Unlock()
	if ds == nil {
		var err error
		if ds, err = search.LoadDataset(assets, cfg.Dataset); err != nil {
			return in, err
		}
		s.mu.Lock()
		s.datasets[cfg.Dataset] = ds
		s.mu.Unlock()
	}
	in.Data = ds
	if !cfg.Pretrained {
		return in, nil
	}
	name := search.SnapshotFile(cfg.Dataset, cfg.Ops)
	s.mu.Lock()
	snap := s.snapshots[name]
	s.mu.Unlock()
	if snap == nil {
		var err error
		if snap, err = search.LoadSnapshot(assets, ds, cfg.Ops); err != nil {
			return in, err
		}
		s.mu.Lock()
		s.snapshots[name] = snap
		s.mu.Unlock()
	}
	in.Snapshot = snap
	return in, nil
}

// control applies a pause, resume, step or stop to the running search.
func (s *Service) control(msg []byte) {
	var c protocol.Control
	if err := wire.Unmarshal(msg, &c); err != nil {
		s.postError(protocol.RequestID(msg), fmt.Errorf("worker: control: %w", err))
		return
	}
	s.mu.Lock()
	j := s.job
	s.mu.Unlock()
	state := "idle"
	if j != nil {
		switch c.Action {
		case "pause":
			j.gate.set(true, 0)
		case "resume":
			j.gate.set(false, 0)
		case "step":
			j.gate.set(true, 1)
		case "stop":
			j.stop()
		default:
			s.postError(c.ID, fmt.Errorf("worker: control action %q is not one of %v", c.Action, protocol.ControlActions))
			return
		}
		state = j.gate.state()
	}
	s.post(protocol.Encode(protocol.ControlReply{Type: "control", ID: c.ID, State: state}))
}

// job is one running search.
type job struct {
	id     int64
	cancel context.CancelFunc
	post   func([]byte)
	gate   gate

	// Touched only by the search goroutine, in observe.
	lastPost  time.Time
	lastPhase string
	// pendingHW is the accelerator distribution of an event that was not
	// posted: it rides on the next message that is.
	pendingHW *report.HWDist
}

// checkpoints posts the search's state every CheckpointInterval and when
// it is stopped (co-searches only: see search.Checkpoints).
func (j *job) checkpoints() *search.Checkpoints {
	last := time.Now()
	return &search.Checkpoints{
		Due: func(int) bool { return time.Since(last) >= CheckpointInterval },
		Save: func(b []byte, step, steps int) error {
			j.post(protocol.Encode(protocol.Checkpoint{Type: "checkpoint", ID: j.id, Step: step, Steps: steps, State: b}))
			last = time.Now()
			return nil
		},
	}
}

func (j *job) stop() {
	j.gate.stop()
	j.cancel()
}

// observe is the search's observer: it posts the event unless one was
// posted less than ProgressInterval ago, and waits while paused, posting
// the event it holds at first so the page shows where the search stands.
// (The page's messages get in where the search checks its context: see
// eventLoopContext.)
func (j *job) observe(e report.Event) {
	now := time.Now()
	if e.HWDist != nil {
		j.pendingHW = e.HWDist
	}
	post := func(held bool) {
		if e.HWDist == nil {
			e.HWDist = j.pendingHW
		}
		p := protocol.ProgressOf(j.id, e)
		p.Held = held
		j.post(protocol.Encode(p))
		j.lastPost, j.lastPhase, j.pendingHW = now, e.Phase, nil
	}
	// The event the search will hold at is posted once, marked held, after
	// the reply to the pause or step that stopped it: the page then knows
	// where the search stands, whatever was in flight.
	hold := j.gate.holds()
	if !hold && (e.Phase != j.lastPhase || e.Phase == report.PhaseDone || now.Sub(j.lastPost) >= ProgressInterval) {
		post(false)
	}
	j.gate.pass(func() { post(true) })
}

// gate holds the search between two events while it is paused.
type gate struct {
	mu      sync.Mutex
	cond    *sync.Cond
	paused  bool
	steps   int // events allowed through while paused
	stopped bool
}

// pass returns at once while running; while paused it calls held, then
// waits for a step, a resume or a stop.
func (g *gate) pass(held func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for first := true; g.paused && g.steps == 0 && !g.stopped; first = false {
		if first {
			held()
		}
		g.cond.Wait()
	}
	if g.steps > 0 {
		g.steps--
	}
}

// holds reports whether the next pass will hold the search.
func (g *gate) holds() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused && g.steps == 0 && !g.stopped
}

func (g *gate) set(paused bool, steps int) {
	g.mu.Lock()
	g.paused, g.steps = paused, steps
	g.mu.Unlock()
	g.cond.Broadcast()
}

func (g *gate) stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
	g.cond.Broadcast()
}

func (g *gate) isStopped() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stopped
}

func (g *gate) state() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.stopped:
		return "stopped"
	case g.paused:
		return "paused"
	}
	return "running"
}
