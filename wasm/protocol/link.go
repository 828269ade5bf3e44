package protocol

import "github.com/dian-explorer/dian/core/report"

// KeyInfo describes one key of the URL fragment, so the page can build a
// labelled control for it (a select for enums, a number field for numbers,
// a checkbox for booleans, a text field for lists and bands).
type KeyInfo struct {
	Name     string   `msgpack:"name"`
	Doc      string   `msgpack:"doc"`
	Kind     string   `msgpack:"kind"` // enum, int, float, bool, list or band
	Accepted []string `msgpack:"accepted"`
	Min      float64  `msgpack:"min"`
	Max      float64  `msgpack:"max"`
	Default  string   `msgpack:"default"`
	Accepts  string   `msgpack:"accepts"` // the accepted values in words
}

// Keys answers a "keys" request: every configuration key in canonical
// order, and the named lessons.
type Keys struct {
	Type    string    `msgpack:"type"` // "keys"
	ID      int64     `msgpack:"id"`
	Version int       `msgpack:"version"` // the fragment version this build reads
	Keys    []KeyInfo `msgpack:"keys"`
	Lessons []Lesson  `msgpack:"lessons"`
}

// ParseRequest asks the worker to read a fragment ("parse") or to check a
// fragment and run the search it describes ("search").
type ParseRequest struct {
	Type     string `msgpack:"type"`
	ID       int64  `msgpack:"id"`
	Fragment string `msgpack:"fragment"`
	// Paused starts a search paused at its first event (search only).
	Paused bool `msgpack:"paused"`
	// Resume, when set, is a checkpoint the worker posted (Checkpoint) for
	// this same fragment: the search continues from it (search only).
	Resume []byte `msgpack:"resume,omitempty"`
	// Rank and Size place this worker in a group of Size workers training
	// one sharded search (shards > 1) together, rank 0 leading: the page
	// first posts each its MessagePorts (a "peers" message), then the same
	// search to all. Only the leader posts progress, checkpoints and the
	// result. Size 0 or 1 is a worker alone.
	Rank int `msgpack:"rank,omitempty"`
	Size int `msgpack:"size,omitempty"`
}

// Checkpoint is a running search's saved state, posted every
// CheckpointInterval and when the search is stopped, for the page to keep
// (in IndexedDB) and send back as ParseRequest.Resume.
type Checkpoint struct {
	Type  string `msgpack:"type"` // "checkpoint"
	ID    int64  `msgpack:"id"`   // the search request's
	Step  int    `msgpack:"step"`
	Steps int    `msgpack:"steps"`
	State []byte `msgpack:"state"` // a search-state snapshot
}

// Problem is one bad key of a fragment (a share.KeyError).
type Problem struct {
	Key      string `msgpack:"key"`
	Value    string `msgpack:"value"`
	Message  string `msgpack:"message"` // the whole sentence, naming the key
	Accepted string `msgpack:"accepted"`
}

// Parsed answers a "parse" request. Values holds every configuration key's
// value as the fragment writes it; a bad key keeps its default there and is
// listed in Problems, so the page can show every good value and every
// mistake at once.
type Parsed struct {
	Type      string            `msgpack:"type"` // "parsed"
	ID        int64             `msgpack:"id"`
	Canonical string            `msgpack:"canonical"` // share.Link.Encode of what was read
	Values    map[string]string `msgpack:"values"`
	Run       bool              `msgpack:"run"`
	Lock      []string          `msgpack:"lock"`
	Hide      []string          `msgpack:"hide"`
	Lesson    string            `msgpack:"lesson"`
	Result    string            `msgpack:"result"`
	// Seeds, Lambdas and Targets are the comparison's keys as the
	// canonical form writes them ("" when the link is no comparison).
	Seeds   string `msgpack:"seeds"`
	Lambdas string `msgpack:"lambdas"`
	Targets string `msgpack:"targets"`
	Engines string `msgpack:"engines"`
	// Carried is Result decoded; nil when the link carries none or a bad one
	// (then Problems names the result key).
	Carried  *report.Compact `msgpack:"carried"`
	Problems []Problem       `msgpack:"problems"`
}

// Plan answers a "plan" request (a ParseRequest) for a comparison link:
// the searches it runs, each a link of its own, in the order of the
// summary's runs.
type Plan struct {
	Type    string     `msgpack:"type"` // "plan"
	ID      int64      `msgpack:"id"`
	Methods []string   `msgpack:"methods"`
	Points  []string   `msgpack:"points"`
	Seeds   []uint32   `msgpack:"seeds"`
	Units   []PlanUnit `msgpack:"units"`
}

// PlanUnit is one search of a comparison.
type PlanUnit struct {
	Index    int    `msgpack:"index"`
	Method   string `msgpack:"method"`
	Seed     uint32 `msgpack:"seed"`
	Point    string `msgpack:"point"`
	Fragment string `msgpack:"fragment"`
	// Same is the unit whose search gives this one's result (its own
	// index for the units to run); the summary fills in the copies.
	Same int `msgpack:"same"`
}

// SummarizeRequest asks for the summary of a comparison's finished runs:
// each unit's result JSON (Result.JSON of its search) by unit index.
type SummarizeRequest struct {
	Type     string         `msgpack:"type"` // "summarize"
	ID       int64          `msgpack:"id"`
	Fragment string         `msgpack:"fragment"`
	Runs     []SummarizeRun `msgpack:"runs"`
}

// SummarizeRun is one finished unit of a comparison.
type SummarizeRun struct {
	Index   int     `msgpack:"index"`
	JSON    string  `msgpack:"json"`
	Seconds float64 `msgpack:"seconds"`
}

// Summary answers a "summarize" request: the comparison's result as
// `dian sweep -json` prints it.
type Summary struct {
	Type string `msgpack:"type"` // "summary"
	ID   int64  `msgpack:"id"`
	JSON string `msgpack:"json"`
}
