package share

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
)

// Version is the fragment format this package writes. It reads every
// version up to it: a link keeps the search it was made with, because a
// key it leaves out takes the default of its own version (OldDefaults).
//
//	1: the first release.
//	2: lra (the architecture's learning rate) defaults to 2, not 0.05: in
//	   a two-epoch search α barely moved at 0.05 (docs/METHOD.md §2.7a).
//	3: shards defaults to 4, not 1: a batch trains as four shards, which
//	   the page spreads over several Web Workers (docs/METHOD.md §2.7b).
const Version = 3

// OldDefaults lists, per version before Version, the keys whose default
// has changed since, with the default that version had.
var OldDefaults = map[int][][2]string{
	1: {{"lra", "0.05"}, {"shards", "1"}},
	2: {{"shards", "1"}},
}

// Config is every setting of a search. Its zero value is not valid; start
// from Default.
type Config struct {
	Dataset  string // mnist14, fashion14, digits8, mnist28, fashion28
	Platform string // zc706, ultra96, eyeriss, systolic16
	Engine   string // accelerator search engine: gumbel, reinforce, evolution, random
	Seed     uint32

	Epochs     int  // search epochs after warm-up
	SearchSet  int  // training images the bi-level search runs on (a seeded sample; fine-tuning uses all)
	Pretrained bool // start from the shipped warm-up snapshot of the dataset's supernet
	Warmup     int  // weight-only epochs before the search when not pretrained
	Batch      int
	// Shards splits each batch into that many equal shards ("ghost
	// batches"): each runs forward and backward on its own, its batch
	// norms normalising over the shard, and their gradients are summed in
	// shard order. The page spreads the shards over several Web Workers;
	// the result is the same whatever the number of workers. 1 (links
	// before version 3) trains on the whole batch at once.
	Shards   int
	Finetune float64 // epochs of fine-tuning the derived network (fractions allowed: 0.5 is half the training set)

	Objective string  // hardware cost the search minimises: fps (maximised), latency, energy, edp
	Lambda    float64 // initial weight of the hardware cost in the architecture loss
	Adapt     bool    // adapt λ each epoch to hold the target band
	TargetLo  float64 // target band of the objective (FPS or EDP units); 0,0 = platform default
	TargetHi  float64

	Tau0     float64 // Gumbel-softmax temperature at epoch 0
	TauDecay float64 // τ_e = Tau0 · TauDecay^e
	Sampling string  // hard (paper's top-2 proxy_hard) or soft (all ops mixed)
	Ops      string  // candidate ops: fbnet (MBConv k3/k5 × e1/e3/e6 + skip) or fbnet-g2 (+ group-2)
	Space    string  // the supernet's layout: tiny (5 blocks) or fbnet (FBNet's 22)
	Pipeline string  // layers to an FPGA's chunks: rule (Auto-NBA's fixed rule) or searched
	// Bits are the bit-widths each block's op may run at, comma-separated
	// in increasing order: "8" (the default) trains in float32 and costs
	// every layer at 8 bits, as before precision search existed; any other
	// list trains quantization-aware and, with more than one width,
	// searches each block's width (Auto-NBA). See BitWidths.
	Bits   string
	HWCost string // path (Auto-NBA: the sampled path on its searched accelerator) or table (DNA: per-op cost tables)
	Model  string // cost model mode: corrected or faithful (the authors' formulas as written)

	AccelSteps int // accelerator-search evaluations per architecture epoch
	FinalSteps int // evaluations of the final accelerator search for the derived network

	LRWeights float64 // SGD learning rate of the weights (cosine-decayed)
	// LRArch is the Adam learning rate of the architecture parameters.
	// Auto-NBA uses 3e-4 over about 35,000 architecture steps; a search
	// sized for a browser takes a few hundred, where 3e-4 leaves α within
	// a percent of uniform, so the default is scaled up to 0.05.
	LRArch float64

	Baselines []string // baselines to run beside the co-search: sequential, fixednet, fixedhw, random

	// Method is what the search runs: the co-search, or one of the
	// baselines alone on the co-search's budgets (a unit of a sweep).
	Method string
}

// Default returns the configuration a link with no keys describes.
func Default() Config {
	return Config{
		Dataset: "mnist14", Platform: "zc706", Engine: "reinforce", Seed: 1,
		Epochs: 2, SearchSet: 5000, Pretrained: true, Warmup: 3, Batch: 32, Shards: 4, Finetune: 0.5,
		Objective: "fps", Lambda: 0.1, Adapt: true,
		Tau0: 5, TauDecay: 0.956, Sampling: "hard", Ops: "fbnet", Space: "tiny", Pipeline: "rule", Bits: "8", HWCost: "path", Model: "corrected",
		AccelSteps: 200, FinalSteps: 2000,
		LRWeights: 0.05, LRArch: 2,
		Method: "cosearch",
	}
}

// kind is how a key's value is written.
type kind int

const (
	enumKind kind = iota
	intKind
	floatKind
	boolKind
	listKind
	bandKind
)

// Key describes one key of the fragment: its meaning, what it accepts and
// its default. The page builds its controls from the same table.
type Key struct {
	Name     string
	Doc      string
	Accepted []string // for enums and lists: the accepted words
	Min, Max float64  // for numbers: the inclusive range
	kind     kind
	// sinceV1 marks a key added after links of version 1 were first made:
	// it is written only when it differs from its default, so every
	// earlier link (and the configuration its result records) keeps its
	// canonical form.
	sinceV1 bool
	// accepts, when set, replaces the description Accepts builds from the
	// kind (bits lists presets but reads any increasing list).
	accepts string
	get     func(*Config) string
	set     func(*Config, string) error
}

// Kind names the key's value type for documentation: enum, int, float,
// bool, list or band.
func (k Key) Kind() string {
	return [...]string{"enum", "int", "float", "bool", "list", "band"}[k.kind]
}

// Value returns the key's value in c, as a fragment writes it.
func (k Key) Value(c Config) string { return k.get(&c) }

// Default returns the key's value in the default configuration.
func (k Key) Default() string {
	d := Default()
	return k.get(&d)
}

// Accepts describes the accepted values, for error messages and help.
func (k Key) Accepts() string {
	if k.accepts != "" {
		return k.accepts
	}
	switch k.kind {
	case enumKind:
		return "one of " + strings.Join(k.Accepted, ", ")
	case listKind:
		return "a comma-separated list of " + strings.Join(k.Accepted, ", ") + ", or none or all"
	case boolKind:
		return "0 or 1"
	case intKind:
		return fmt.Sprintf("a whole number from %d to %d", int64(k.Min), int64(k.Max))
	case bandKind:
		return fmt.Sprintf("auto, or lo-hi with %s ≤ lo < hi ≤ %s", formatFloat(k.Min), formatFloat(k.Max))
	}
	return fmt.Sprintf("a number from %s to %s", formatFloat(k.Min), formatFloat(k.Max))
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func enumKey(name, doc string, field func(*Config) *string, accepted ...string) Key {
	return Key{Name: name, Doc: doc, Accepted: accepted, kind: enumKind,
		get: func(c *Config) string { return *field(c) },
		set: func(c *Config, v string) error {
			for _, a := range accepted {
				if v == a {
					*field(c) = v
					return nil
				}
			}
			return errNotAccepted
		}}
}

func intKey(name, doc string, field func(*Config) *int, lo, hi int) Key {
	return Key{Name: name, Doc: doc, Min: float64(lo), Max: float64(hi), kind: intKind,
		get: func(c *Config) string { return strconv.Itoa(*field(c)) },
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return errNotAccepted
			}
			*field(c) = n
			return nil
		}}
}

func floatKey(name, doc string, field func(*Config) *float64, lo, hi float64) Key {
	return Key{Name: name, Doc: doc, Min: lo, Max: hi, kind: floatKind,
		get: func(c *Config) string { return formatFloat(*field(c)) },
		set: func(c *Config, v string) error {
			f, err := parseFloat(v)
			if err != nil || f < lo || f > hi {
				return errNotAccepted
			}
			*field(c) = f
			return nil
		}}
}

// parseFloat accepts plain decimal and exponent forms only: no hex floats,
// no infinities, no NaN, no underscores.
func parseFloat(v string) (float64, error) {
	if v == "" || strings.ContainsAny(v, "xXpP_iInN") {
		return 0, errNotAccepted
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errNotAccepted
	}
	return f, nil
}

func boolKey(name, doc string, field func(*Config) *bool) Key {
	return Key{Name: name, Doc: doc, kind: boolKind,
		get: func(c *Config) string {
			if *field(c) {
				return "1"
			}
			return "0"
		},
		set: func(c *Config, v string) error {
			switch v {
			case "0":
				*field(c) = false
			case "1":
				*field(c) = true
			default:
				return errNotAccepted
			}
			return nil
		}}
}

// Keys lists every configuration key in canonical order.
var Keys = []Key{
	// The datasets (core/data) and engines (core/search) are listed here:
	// importing the first would put its decoders in the page's binary, the
	// second is above this package. core/search's tests check both lists
	// are their registries'.
	enumKey("dataset", "the dataset and input size", func(c *Config) *string { return &c.Dataset },
		"mnist14", "fashion14", "digits8", "mnist28", "fashion28"),
	enumKey("platform", "the hardware platform preset and its budgets", func(c *Config) *string { return &c.Platform },
		accel.PresetNames()...),
	enumKey("engine", "the accelerator search engine", func(c *Config) *string { return &c.Engine },
		"gumbel", "reinforce", "evolution", "random"),
	{Name: "seed", Doc: "the seed of every random choice", Min: 0, Max: math.MaxUint32, kind: intKind,
		get: func(c *Config) string { return strconv.FormatUint(uint64(c.Seed), 10) },
		set: func(c *Config, v string) error {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return errNotAccepted
			}
			c.Seed = uint32(n)
			return nil
		}},
	intKey("epochs", "search epochs after warm-up", func(c *Config) *int { return &c.Epochs }, 1, 200),
	intKey("searchset", "training images the search runs on (a seeded sample, at most the whole training set: digits8 has 1,437; fine-tuning uses all)", func(c *Config) *int { return &c.SearchSet }, 100, 1000000),
	boolKey("pretrained", "start from the shipped warm-up snapshot (0: warm up here)", func(c *Config) *bool { return &c.Pretrained }),
	intKey("warmup", "weight-only epochs before the search when pretrained=0", func(c *Config) *int { return &c.Warmup }, 0, 100),
	intKey("batch", "mini-batch size", func(c *Config) *int { return &c.Batch }, 8, 512),
	withSince(intKey("shards", "shards each batch is split into, each normalised and differentiated on its own and summed in order, so the page can train them on several Web Workers with the same result (1: the whole batch at once; must divide batch)",
		func(c *Config) *int { return &c.Shards }, 1, 64)),
	floatKey("finetune", "epochs of fine-tuning the derived network on the whole training set (0.5: half of it)", func(c *Config) *float64 { return &c.Finetune }, 0, 100),
	enumKey("objective", "the hardware cost to optimise", func(c *Config) *string { return &c.Objective },
		"fps", "latency", "energy", "edp"),
	floatKey("lambda", "initial weight of the hardware cost", func(c *Config) *float64 { return &c.Lambda }, 0, 1e6),
	boolKey("adapt", "adapt λ each epoch to hold the target band", func(c *Config) *bool { return &c.Adapt }),
	{Name: "target", Doc: "target band of the objective (FPS, or EDP in µJ·ms)", Min: 0, Max: 1e12, kind: bandKind,
		get: func(c *Config) string {
			if c.TargetLo == 0 && c.TargetHi == 0 {
				return "auto"
			}
			return formatFloat(c.TargetLo) + "-" + formatFloat(c.TargetHi)
		},
		set: func(c *Config, v string) error {
			if v == "auto" {
				c.TargetLo, c.TargetHi = 0, 0
				return nil
			}
			lo, hi, ok := cutBand(v)
			l, err1 := parseFloat(lo)
			h, err2 := parseFloat(hi)
			if !ok || err1 != nil || err2 != nil || l < 0 || l >= h || h > 1e12 {
				return errNotAccepted
			}
			c.TargetLo, c.TargetHi = l, h
			return nil
		}},
	floatKey("tau0", "Gumbel-softmax temperature at epoch 0", func(c *Config) *float64 { return &c.Tau0 }, 0.01, 100),
	floatKey("taudecay", "temperature decay per epoch", func(c *Config) *float64 { return &c.TauDecay }, 0.5, 1),
	enumKey("sampling", "how candidate ops are sampled", func(c *Config) *string { return &c.Sampling }, "hard", "soft"),
	enumKey("ops", "the candidate ops of each block", func(c *Config) *string { return &c.Ops }, "fbnet", "fbnet-g2"),
	// The layouts are supernet.Layouts (core/search's tests check it):
	// importing supernet would put the trainer in the page's binary.
	withSince(enumKey("space", "the supernet's layout: tiny (5 blocks of 16–32 channels, a search in a browser's minute) or fbnet (FBNet's 22 blocks of 16–352 channels and a 1504-channel head; command line, pretrained=0)",
		func(c *Config) *string { return &c.Space }, "tiny", "fbnet")),
	enumKey("hwcost", "how the hardware cost reaches the network", func(c *Config) *string { return &c.HWCost }, "path", "table"),
	enumKey("model", "cost model mode", func(c *Config) *string { return &c.Model }, "corrected", "faithful"),
	withSince(enumKey("pipeline", "which chunk of an FPGA's pipeline runs each layer: rule (Auto-NBA's fixed rule on the map size) or searched (the accelerator search places the stem, each block and the head)",
		func(c *Config) *string { return &c.Pipeline }, "rule", "searched")),
	withSince(Key{Name: "bits", Doc: "the bit-widths each block's op may run at: 8 trains in float32 and costs 8-bit layers (every link before precision search); a list such as 4,6,8 trains quantization-aware and searches each block's width with its op (Auto-NBA)",
		Accepted: BitPresets, kind: enumKind,
		accepts: fmt.Sprintf("a comma-separated, increasing list of widths from %d to %d, such as 8 or 4,6,8", MinBits, MaxBits),
		get:     func(c *Config) string { return c.Bits },
		set: func(c *Config, v string) error {
			w, err := parseWidths(v)
			if err != nil {
				return err
			}
			c.Bits = formatWidths(w)
			return nil
		}}),
	intKey("accelsteps", "accelerator-search evaluations per epoch", func(c *Config) *int { return &c.AccelSteps }, 1, 100000),
	intKey("finalsteps", "evaluations of the final accelerator search", func(c *Config) *int { return &c.FinalSteps }, 1, 1000000),
	floatKey("lrw", "learning rate of the weights (SGD, cosine)", func(c *Config) *float64 { return &c.LRWeights }, 1e-6, 10),
	floatKey("lra", "learning rate of the architecture (Adam)", func(c *Config) *float64 { return &c.LRArch }, 1e-7, 10),
	{Name: "baselines", Doc: "baselines to run beside the co-search",
		Accepted: baselineNames, kind: listKind,
		get: func(c *Config) string {
			if len(c.Baselines) == 0 {
				return "none"
			}
			return strings.Join(c.Baselines, ",")
		},
		set: func(c *Config, v string) error {
			list, err := parseBaselines(v)
			if err != nil {
				return err
			}
			c.Baselines = list
			return nil
		}},
	withSince(enumKey("method", "what runs: the co-search, or one baseline alone on the co-search's budgets (a sweep's unit of work)",
		func(c *Config) *string { return &c.Method }, Methods...)),
}

// BitPresets are the bit-width lists the page offers; a link may name any
// increasing list of widths from MinBits to MaxBits.
var BitPresets = []string{"8", "4,6,8", "4,8", "6,8", "2,4,6,8", "4", "6"}

// The widths a bits list may hold: 2^bits levels must be exact in float32.
const (
	MinBits = 2
	MaxBits = 16
)

// BitWidths returns the widths of c.Bits for a precision search, nil for
// "8" (float32 training, every layer costed at 8 bits).
func (c Config) BitWidths() []int {
	w, err := parseWidths(c.Bits)
	if err != nil || c.Bits == "8" {
		return nil
	}
	return w
}

// parseWidths reads a comma-separated, strictly increasing list of widths.
func parseWidths(v string) ([]int, error) {
	if v == "" || len(v) > 64 {
		return nil, errNotAccepted
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n < MinBits || n > MaxBits || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, errNotAccepted
		}
		out = append(out, n)
	}
	return out, nil
}

func formatWidths(w []int) string {
	s := make([]string, len(w))
	for i, b := range w {
		s[i] = strconv.Itoa(b)
	}
	return strings.Join(s, ",")
}

// Methods are what a search may run: the co-search, then the baselines.
var Methods = append([]string{"cosearch"}, baselineNames...)

// withSince marks k as added after version 1 (see Key).
func withSince(k Key) Key {
	k.sinceV1 = true
	return k
}

// cutBand splits "lo-hi" at the dash that is not an exponent's sign, so
// that bands such as 1e-05-0.002 read as written.
func cutBand(v string) (lo, hi string, ok bool) {
	for i := 1; i < len(v); i++ {
		if v[i] == '-' && v[i-1] != 'e' && v[i-1] != 'E' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

// baselineNames are the baselines in canonical order.
var baselineNames = []string{"sequential", "fixednet", "fixedhw", "random"}

// parseBaselines reads a baseline list into canonical order without
// repeats; "all" and "none" stand for the whole list and the empty one.
func parseBaselines(v string) ([]string, error) {
	switch v {
	case "none":
		return nil, nil
	case "all":
		return append([]string(nil), baselineNames...), nil
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(v, ",") {
		found := false
		for _, b := range baselineNames {
			found = found || b == name
		}
		if !found || seen[name] {
			return nil, errNotAccepted
		}
		seen[name] = true
	}
	var out []string
	for _, b := range baselineNames { // canonical order, not the link's
		if seen[b] {
			out = append(out, b)
		}
	}
	return out, nil
}

// KeyByName returns the key with the given name.
func KeyByName(name string) (Key, bool) {
	for _, k := range Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// Validate checks every field of c against the table, as Parse would.
func (c Config) Validate() error {
	_, err := Parse(c.Encode())
	return err
}

// Encode returns the canonical fragment of c (without the leading #):
// v first, then every key in table order; keys added after version 1
// appear only when they differ from their defaults.
func (c Config) Encode() string {
	var b strings.Builder
	b.WriteString("v=" + strconv.Itoa(Version))
	for _, k := range Keys {
		v := k.get(&c)
		if k.sinceV1 && v == k.Default() {
			continue
		}
		b.WriteString("&" + k.Name + "=" + escape(v))
	}
	return b.String()
}
