package service

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/share"
	"github.com/vmihailenco/msgpack/v5"
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

// requestTypes are the request types the worker accepts.
const requestTypes = "ping, keys, parse, export, search, control"

func handle(msg []byte) (any, error) {
	if len(msg) > protocol.MaxMessageBytes {
		return nil, fmt.Errorf("worker: message of %d bytes exceeds the %d-byte limit", len(msg), protocol.MaxMessageBytes)
	}
	var req protocol.Request
	if err := msgpack.Unmarshal(msg, &req); err != nil {
		return nil, fmt.Errorf("worker: message is not a msgpack map with a string \"type\": %w", err)
	}
	switch req.Type {
	case "ping":
		return protocol.Pong{Type: "pong", ID: req.ID, Version: protocol.Version(), GoVersion: runtime.Version(), Platforms: platforms()}, nil
	case "keys":
		return protocol.Keys{Type: "keys", ID: req.ID, Version: share.Version, Keys: keyInfos(), Lessons: Lessons}, nil
	case "parse":
		var p protocol.ParseRequest
		if err := msgpack.Unmarshal(msg, &p); err != nil {
			return nil, fmt.Errorf("worker: parse: %w", err)
		}
		return ParseLink(req.ID, p.Fragment), nil
	case "export":
		var r protocol.ExportRequest
		if err := msgpack.Unmarshal(msg, &r); err != nil {
			return nil, fmt.Errorf("worker: export: %w", err)
		}
		return exportFiles(r)
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
