package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/dian-explorer/dian/core/accel/onnx"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/sweep"
	"github.com/dian-explorer/dian/core/wire"
	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/share"
)

// Answer decodes one request that has a single reply (ping, keys, parse,
// export) and returns the encoded reply. It never panics on bad input: a
// message it cannot read gets an "error" reply that says what was wrong.
// Searches and their control are the Service's.
func Answer(msg []byte) []byte {
	reply, err := handle(msg)
	if err != nil {
		reply = protocol.Error{Type: "error", ID: protocol.RequestID(msg), Message: err.Error()}
	}
	return protocol.Encode(reply)
}

// liveHeap collects garbage and returns the bytes still in use.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// requestTypes are the request types the worker accepts.
const requestTypes = "ping, keys, parse, export, plan, summarize, cost, search, control"

func handle(msg []byte) (any, error) {
	if len(msg) > protocol.MaxMessageBytes {
		return nil, fmt.Errorf("worker: message of %d bytes exceeds the %d-byte limit", len(msg), protocol.MaxMessageBytes)
	}
	var req protocol.Request
	if err := wire.Unmarshal(msg, &req); err != nil {
		return nil, fmt.Errorf("worker: message is not a msgpack map with a string \"type\": %w", err)
	}
	switch req.Type {
	case "ping":
		return protocol.Pong{Type: "pong", ID: req.ID, Version: protocol.Version(), GoVersion: runtime.Version(), Platforms: platforms(), HeapBytes: liveHeap()}, nil
	case "keys":
		return protocol.Keys{Type: "keys", ID: req.ID, Version: share.Version, Keys: keyInfos(), Lessons: Lessons}, nil
	case "parse":
		var p protocol.ParseRequest
		if err := wire.Unmarshal(msg, &p); err != nil {
			return nil, fmt.Errorf("worker: parse: %w", err)
		}
		return ParseLink(req.ID, p.Fragment), nil
	case "export":
		var r protocol.ExportRequest
		if err := wire.Unmarshal(msg, &r); err != nil {
			return nil, fmt.Errorf("worker: export: %w", err)
		}
		return exportFiles(r)
	case "plan":
		var p protocol.ParseRequest
		if err := wire.Unmarshal(msg, &p); err != nil {
			return nil, fmt.Errorf("worker: plan: %w", err)
		}
		return plan(req.ID, p.Fragment)
	case "summarize":
		var s protocol.SummarizeRequest
		if err := wire.Unmarshal(msg, &s); err != nil {
			return nil, fmt.Errorf("worker: summarize: %w", err)
		}
		return summarize(s)
	case "cost":
		var c protocol.CostRequest
		if err := wire.Unmarshal(msg, &c); err != nil {
			return nil, fmt.Errorf("worker: cost: %w", err)
		}
		return costModel(c)
	case "search", "control":
		return nil, fmt.Errorf("worker: %q requests need the search service (Service.Handle), not Answer", req.Type)
	case "":
		return nil, fmt.Errorf("worker: message has no \"type\" (accepted: %s)", requestTypes)
	default:
		return nil, fmt.Errorf("worker: unknown message type %q (accepted: %s)", req.Type, requestTypes)
	}
}

func platforms() []protocol.Platform {
	var out []protocol.Platform
	for _, p := range accel.Presets() {
		out = append(out, protocol.Platform{
			Name: p.Name, Title: p.Title, Target: string(p.Target), Rows: p.Rows, Cols: p.Cols,
			ClockMHz: p.ClockMHz, DSP: p.DSP, BRAM18: p.BRAM18, BufferKB: p.GlobalBufferBytes / 1024, TechNM: p.TechNM,
			CostModel: accel.CostModelTitle(p.Target),
		})
	}
	return out
}

func keyInfos() []protocol.KeyInfo {
	out := make([]protocol.KeyInfo, len(share.Keys))
	for i, k := range share.Keys {
		out[i] = protocol.KeyInfo{Name: k.Name, Doc: k.Doc, Kind: k.Kind(), Accepted: k.Accepted, Min: k.Min, Max: k.Max,
			Default: k.Default(), Accepts: k.Accepts()}
	}
	return out
}

// ParseLink reads a fragment as share.Parse does and describes the result
// for the page.
func ParseLink(id int64, fragment string) protocol.Parsed {
	link, err := share.Parse(fragment)
	p := protocol.Parsed{Type: "parsed", ID: id, Canonical: link.Encode(), Values: configValues(link.Config),
		Run: link.Run, Lock: link.Lock, Hide: link.Hide, Lesson: link.Lesson, Result: link.Result,
		Problems: Problems(err)}
	for part := range strings.SplitSeq(p.Canonical, "&") {
		switch k, v, _ := strings.Cut(part, "="); k {
		case "seeds":
			p.Seeds = v
		case "lambdas":
			p.Lambdas = v
		case "targets":
			p.Targets = v
		case "engines":
			p.Engines = v
		}
	}
	if link.Result != "" {
		c, err := report.DecodeCompact(link.Result)
		if err != nil {
			p.Problems = append(p.Problems, protocol.Problem{Key: "result", Message: "result: " + err.Error(),
				Accepted: "the result= text the Share button writes"})
		} else {
			p.Carried = &c
		}
	}
	return p
}

// configValues splits a configuration's canonical fragment into its values.
func configValues(c share.Config) map[string]string {
	values := make(map[string]string, len(share.Keys))
	for _, k := range share.Keys {
		values[k.Name] = k.Value(c)
	}
	return values
}

// Problems lists the key errors in err (from share.Parse); an error of
// another kind becomes one problem without a key.
func Problems(err error) []protocol.Problem {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []protocol.Problem
	for _, e := range errs {
		var ke *share.KeyError
		if errors.As(e, &ke) {
			out = append(out, protocol.Problem{Key: ke.Key, Value: ke.Value, Message: ke.Error(), Accepted: ke.Accepted})
		} else {
			out = append(out, protocol.Problem{Message: e.Error()})
		}
	}
	return out
}

// comparison is the sweep a comparison link describes.
func comparison(fragment string) (sweep.Spec, error) {
	link, err := share.Parse(fragment)
	if err != nil {
		return sweep.Spec{}, fmt.Errorf("the link has problems: %w", err)
	}
	return sweep.SpecOfLink(link)
}

// plan lists the searches of a comparison link.
func plan(id int64, fragment string) (protocol.Plan, error) {
	spec, err := comparison(fragment)
	if err != nil {
		return protocol.Plan{}, err
	}
	p := protocol.Plan{Type: "plan", ID: id, Methods: spec.Methods, Seeds: spec.Seeds}
	for _, pt := range spec.Points {
		p.Points = append(p.Points, pt.String())
	}
	for _, u := range spec.Units() {
		p.Units = append(p.Units, protocol.PlanUnit{Index: u.Index, Method: u.Method, Seed: u.Seed,
			Point: spec.Points[u.Point].String(), Fragment: u.Fragment(), Same: u.Same})
	}
	return p, nil
}

// summarize builds a comparison's result from its finished units' result
// JSON: what `dian sweep -json` prints for the same link.
func summarize(req protocol.SummarizeRequest) (protocol.Summary, error) {
	spec, err := comparison(req.Fragment)
	if err != nil {
		return protocol.Summary{}, err
	}
	units := spec.Units()
	runs := make([]sweep.RunResult, 0, len(req.Runs))
	seen := map[int]bool{}
	for _, r := range req.Runs {
		if r.Index < 0 || r.Index >= len(units) || seen[r.Index] {
			return protocol.Summary{}, fmt.Errorf("worker: summarize: run %d is no unit of this comparison, or repeated", r.Index)
		}
		seen[r.Index] = true
		res, err := report.ParseResult([]byte(r.JSON))
		if err != nil {
			return protocol.Summary{}, fmt.Errorf("worker: summarize: run %d: %w", r.Index, err)
		}
		if res.Config != units[r.Index].Fragment() {
			return protocol.Summary{}, fmt.Errorf("worker: summarize: run %d is the result of %s, not of its unit %s", r.Index, res.Config, units[r.Index].Fragment())
		}
		runs = append(runs, sweep.RunOf(units[r.Index], spec, res, r.Seconds))
	}
	b, err := json.MarshalIndent(sweep.NewResult(spec, sweep.Shard{}, runs), "", "  ")
	if err != nil {
		return protocol.Summary{}, fmt.Errorf("worker: summarize: %w", err)
	}
	return protocol.Summary{Type: "summary", ID: req.ID, JSON: string(append(b, '\n'))}, nil
}

// costEvals is how long the accelerator search for a dropped model runs:
// a search's final accelerator search by default.
const costEvals = 2000

// costModel answers a CostRequest: the ONNX model's layers on the
// platform's best accelerator found in costEvals evaluations.
func costModel(c protocol.CostRequest) (protocol.CostReply, error) {
	name := c.Name
	if name == "" {
		name = "model.onnx"
	}
	net, err := onnx.Read(name, c.Model)
	if err != nil {
		return protocol.CostReply{}, err
	}
	res, err := search.CostNetwork(context.Background(), net, c.Platform, costEvals, 1)
	if err != nil {
		return protocol.CostReply{}, fmt.Errorf("%s: %w", name, err)
	}
	b, err := ResultJSON(res)
	if err != nil {
		return protocol.CostReply{}, err
	}
	nb, err := net.MarshalJSON()
	if err != nil {
		return protocol.CostReply{}, err
	}
	return protocol.CostReply{Type: "cost", ID: c.ID, JSON: string(b), Network: string(nb), Layers: len(net.Layers), MACs: res.Network.MACs}, nil
}
