package protocol

import (
	"runtime/debug"

	"github.com/dian-explorer/dian/core/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// MaxMessageBytes bounds an incoming message; anything larger is refused
// before it is decoded.
const MaxMessageBytes = 64 << 20

// Request is the envelope every page-to-worker message shares.
type Request struct {
	Type string `msgpack:"type"`
	ID   int64  `msgpack:"id"`
}

// Ready is posted once by the worker when it can take requests.
type Ready struct {
	Type    string `msgpack:"type"` // "ready"
	Version string `msgpack:"version"`
}

// Pong answers a ping: it proves the worker's core is loaded and tells the
// page what it can offer.
type Pong struct {
	Type      string     `msgpack:"type"` // "pong"
	ID        int64      `msgpack:"id"`
	Version   string     `msgpack:"version"`
	GoVersion string     `msgpack:"goVersion"`
	Platforms []Platform `msgpack:"platforms"`
	// HeapBytes is the core's live heap (runtime.MemStats.HeapAlloc after
	// a collection), so a test can see that bad messages leave nothing.
	HeapBytes uint64 `msgpack:"heapBytes"`
}

// Platform is the part of an accel.Platform the page shows.
type Platform struct {
	Name     string  `msgpack:"name"`
	Title    string  `msgpack:"title"`
	Target   string  `msgpack:"target"`
	Rows     int     `msgpack:"rows"`
	Cols     int     `msgpack:"cols"`
	ClockMHz float64 `msgpack:"clockMHz"`
	DSP      int     `msgpack:"dsp,omitempty"`
	BRAM18   int     `msgpack:"bram18,omitempty"`
	BufferKB int     `msgpack:"bufferKB,omitempty"`
	TechNM   int     `msgpack:"techNM,omitempty"`
	// CostModel names the model the search costs its designs with
	// (accel.CostModelTitle).
	CostModel string `msgpack:"costModel"`
}

// Error reports a request the worker could not handle. For a search whose
// fragment is bad, Problems lists every bad key.
type Error struct {
	Type     string    `msgpack:"type"` // "error"
	ID       int64     `msgpack:"id"`
	Message  string    `msgpack:"message"`
	Problems []Problem `msgpack:"problems,omitempty"`
}

// A "search" request is a ParseRequest: the worker checks the fragment,
// loads the dataset (and the snapshot when pretrained=1), then posts
// Progress messages carrying the request's id and finally a Result, or an
// Error (with Stopped true after a "control" stop).

// Result is the last message of a search that finished.
type Result struct {
	Type string `msgpack:"type"` // "result"
	ID   int64  `msgpack:"id"`
	// JSON is the report.Result exactly as `dian search -json` prints it.
	JSON string `msgpack:"json"`
	// LoadSeconds is the time spent fetching and checking the dataset and
	// snapshot, outside the result's own timing.
	LoadSeconds float64 `msgpack:"loadSeconds"`
	// Network is the found network as the layer list the cost models read
	// (accel.Network JSON), the -net file of `dian export` and `dian eval`;
	// the result's "accelerator" is the matching -design file.
	Network string `msgpack:"network"`
	// Compact is the result= text of a link that carries this result
	// (empty if it would not fit in a link).
	Compact string `msgpack:"compact"`
	// ONNX is the found network with its trained weights as an ONNX model
	// (what `dian search -onnx-out` writes; empty when the op set has no
	// export).
	ONNX []byte `msgpack:"onnx,omitempty"`
}

// Control pauses, resumes, steps or stops the running search.
type Control struct {
	Type   string `msgpack:"type"` // "control"
	ID     int64  `msgpack:"id"`
	Action string `msgpack:"action"` // pause, resume, step or stop
}

// ControlActions are the accepted Control.Action values.
var ControlActions = []string{"pause", "resume", "step", "stop"}

// ControlReply answers a Control: the search's state after it.
type ControlReply struct {
	Type  string `msgpack:"type"` // "control"
	ID    int64  `msgpack:"id"`
	State string `msgpack:"state"` // running, paused, stopped, or idle when no search runs
}

// Stopped is the message of the Error that ends a stopped search.
const Stopped = "search stopped"

// build is set by the server's build (-ldflags -X) to the fingerprint of
// the binary's sources.
var build string

// Version identifies this build, so a shared result can be matched to the
// code that made it: the source fingerprint the server built it from, else
// the VCS revision the go command recorded, else "devel".
func Version() string {
	if build != "" {
		return "build " + build
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// ReadyMessage returns the encoded message the worker posts when it starts.
func ReadyMessage() []byte {
	b, err := msgpack.Marshal(Ready{Type: "ready", Version: Version()})
	if err != nil {
		panic(err) // a fixed struct of strings always encodes
	}
	return b
}

// RequestID returns the id of a request, or 0 when msg has none.
func RequestID(msg []byte) int64 {
	var req Request
	if wire.Unmarshal(msg, &req) == nil {
		return req.ID
	}
	return 0
}

// Encode encodes a message; a value that cannot be encoded becomes an
// Error message saying so.
func Encode(v any) []byte {
	b, err := msgpack.Marshal(v)
	if err != nil {
		b, _ = msgpack.Marshal(Error{Type: "error", Message: "worker: encoding the reply: " + err.Error()})
	}
	return b
}
