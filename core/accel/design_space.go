package accel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Knob is the kind of design choice a Decision sets.
type Knob uint8

// The knobs a Space can index.
const (
	// KnobMode is Auto-NBA's compute mode of a chunk. Standard chunks:
	// 0 = ws unrolling K (tm MACs), 1 = ws unrolling K×C (tm·tn MACs),
	// 2 = os unrolling P (tr MACs). Depthwise chunks: 0 = ws unrolling K,
	// 1 = os unrolling P. The mode also sets the PE array to the unrolled
	// extents (rows × cols = tn × tm, 1 × tm, or tr × 1).
	KnobMode Knob = iota
	// KnobGBTile is a global-buffer tile size (Auto-NBA's Tr, Tc, Tm, Tn).
	KnobGBTile
	// KnobRFTile is a compute-tile size (Auto-NBA's tr, tc, tm, tn).
	KnobRFTile
	// KnobOrder picks a loop order at a level; options index Space.Orders.
	KnobOrder
	// KnobDataflow picks a chunk's dataflow; options are Dataflow values.
	KnobDataflow
	// KnobUnroll is the spatial unroll of a dimension; it applies only when
	// the chunk's dataflow may unroll that dimension (else the unroll is 1).
	KnobUnroll
	// KnobPipeline places one unit of the network (the stem, a searched
	// block, the head) in the pipeline: option 0 runs its layers on their
	// kind's large-map chunk (a0…, dwa0…), 1 on the small-map one. It has
	// no chunk (Decision.Chunk is -1); see AddPipeline and PipelineSlots.
	KnobPipeline
)

var knobNames = [...]string{"mode", "gb", "rf", "order", "dataflow", "unroll", "pipeline"}

// String returns mode, gb, rf or order.
func (k Knob) String() string {
	if int(k) < len(knobNames) {
		return knobNames[k]
	}
	return "Knob(" + strconv.Itoa(int(k)) + ")"
}

// Decision is one discrete dimension of a design space: a list of options
// for one knob of one chunk. A search engine keeps one categorical
// distribution per Decision and picks an option index.
type Decision struct {
	Name  string // e.g. "a0q8.gb.P", "dwa1q8.mode"
	Chunk int    // index into Space.Template.Chunks
	Knob  Knob
	Dim   Dim      // the loop dimension, for tiles
	Level MemLevel // the level, for orders
	// Options are the values (tile sizes descending, mode numbers, or
	// indices into Space.Orders).
	Options []int
	// Depthwise marks the mode of a depthwise chunk (modes 0, 1 only).
	Depthwise bool
	// Bound is the index of an earlier Decision whose chosen value caps
	// this one's (a compute tile is at most its buffer tile), or -1. As tile
	// options are descending, the allowed ones are a suffix of the list:
	// Auto-NBA slices its logits there.
	Bound int
}

// Space is a design space a search engine can index: a template design
// (chunk names, bit-widths, assignment rule, and every setting no decision
// touches) and the decisions, ordered so that a decision's Bound comes
// before it. A point of the space is one option index per decision.
type Space struct {
	Template  Design
	Decisions []Decision
	Orders    []LoopOrder // the values KnobOrder options index
}

// Auto-NBA's per-chunk option lists (docs/METHOD.md §3.2).
var (
	autoNBAChannelsBig   = []int{8, 4, 2, 1}
	autoNBAChannelsSmall = []int{32, 16, 8, 4, 2, 1}
	autoNBASpatial       = map[string][2][]int{ // big, small output maps
		"cifar":    {{16, 8, 4, 2, 1}, {4, 2, 1}},
		"imagenet": {{28, 14, 7, 2, 1}, {7, 2, 1}},
	}
)

// AutoNBASpace returns Auto-NBA's FPGA accelerator space for dataset
// "cifar" or "imagenet" and the given bit-widths: chunks a0, a1, dwa0, dwa1
// per bit-width (named a0q8 etc.), each with its compute mode, buffer tiles
// and compute tiles (each ≤ its buffer tile); the assignment is Auto-NBA's
// fixed rule, and tiles may pad (ImageNet's 7 does not split into 2s).
// The corrected model also costs the stem, head and classifier, which run
// at their own bit-width (32 in Auto-NBA): include it in bits to get their
// chunks.
func AutoNBASpace(dataset string, bits []int, platform string) (*Space, error) {
	spatial, ok := autoNBASpatial[dataset]
	if !ok {
		return nil, fmt.Errorf("accel: Auto-NBA space for dataset %q: accepted cifar, imagenet", dataset)
	}
	if len(bits) == 0 {
		return nil, fmt.Errorf("accel: Auto-NBA space needs at least one bit-width")
	}
	for _, b := range bits {
		if b < 1 || b > MaxBits {
			return nil, fmt.Errorf("accel: bit-width %d: accepted 1..%d", b, MaxBits)
		}
	}
	if _, err := Preset(platform); err != nil {
		return nil, err
	}
	s := &Space{Template: Design{Name: "autonba-" + dataset, Platform: platform, Pad: true, Assign: AssignAutoNBACIFAR}}
	if dataset == "imagenet" {
		s.Template.Assign = AssignAutoNBAImageNet
	}
	for _, b := range bits {
		for _, kind := range []struct {
			prefix string
			dw     bool
			size   int // 0 big, 1 small
		}{{"a0", false, 0}, {"a1", false, 1}, {"dwa0", true, 0}, {"dwa1", true, 1}} {
			ci := len(s.Template.Chunks)
			name := kind.prefix + "q" + strconv.Itoa(b)
			c := SubAccel{Name: name, Bits: b, Rows: 1, Cols: 1}
			if kind.dw {
				c.Tiles[LevelGB][DimC], c.Tiles[LevelRF][DimC] = 1, 1
			}
			s.Template.Chunks = append(s.Template.Chunks, c)
			modes := []int{0, 1, 2}
			if kind.dw {
				modes = []int{0, 1}
			}
			s.add(Decision{Name: name + ".mode", Chunk: ci, Knob: KnobMode, Options: modes, Depthwise: kind.dw, Bound: -1})
			channels := autoNBAChannelsBig
			if kind.size == 1 {
				channels = autoNBAChannelsSmall
			}
			dims := []Dim{DimP, DimQ, DimK, DimC}
			if kind.dw {
				dims = dims[:3]
			}
			gbIndex := map[Dim]int{}
			for _, d := range dims {
				opts := channels
				if d == DimP || d == DimQ {
					opts = spatial[kind.size]
				}
				gbIndex[d] = len(s.Decisions)
				opts = append([]int(nil), opts...) // the space's own copy
				s.add(Decision{Name: name + ".gb." + d.String(), Chunk: ci, Knob: KnobGBTile, Dim: d, Options: opts, Bound: -1})
			}
			for _, d := range dims {
				opts := append([]int(nil), s.Decisions[gbIndex[d]].Options...)
				s.add(Decision{Name: name + ".rf." + d.String(), Chunk: ci, Knob: KnobRFTile, Dim: d, Options: opts, Bound: gbIndex[d]})
			}
		}
	}
	return s, nil
}

func (s *Space) add(d Decision) { s.Decisions = append(s.Decisions, d) }

// AddPipeline makes the layer-to-chunk allocation of an Auto-NBA space part
// of the search: one KnobPipeline decision per unit (the network's stem,
// blocks and head, as PipelineUnit names them) choosing the large-map or
// the small-map chunk of the unit's layers' kind, instead of the fixed
// rule's threshold on the map size. The template keeps its rule, which
// PipelineSlots and PlacePipeline replace per point.
func (s *Space) AddPipeline(units []string) error {
	if s.Template.Assign != AssignAutoNBACIFAR && s.Template.Assign != AssignAutoNBAImageNet {
		return fmt.Errorf("accel: a searched pipeline needs Auto-NBA's chunks (large- and small-map chunks of each kind); design %q assigns by %q", s.Template.Name, s.Template.Assign)
	}
	for _, u := range units {
		s.add(Decision{Name: "pipeline." + u, Chunk: -1, Knob: KnobPipeline, Options: []int{0, 1}, Bound: -1})
	}
	return nil
}

// PipelineUnit is the unit of the network a layer is placed with: its
// block, or "stem" or "head" for the layers around the blocks.
func PipelineUnit(l *NetworkLayer) string {
	switch {
	case l.Block != "":
		return l.Block
	case l.RoleOrBody() == RoleStem:
		return "stem"
	}
	return "head"
}

// PipelineSlot is where one layer may go in a searched pipeline: the
// KnobPipeline decision that places it and, per option of that decision,
// the template's chunk (Decision -1: the mode leaves the layer out).
type PipelineSlot struct {
	Decision int
	Chunks   [2]int
}

// PipelineSlots resolves, once per network, each layer's unit decision and
// the chunks of its kind and bits its options name; PlacePipeline then
// writes a point's plan with a lookup per layer. The faithful mode leaves
// out what Plan leaves out.
func (s *Space) PipelineSlots(net *Network, mode Mode) ([]PipelineSlot, error) {
	slots := make([]PipelineSlot, len(net.Layers))
	for li := range net.Layers {
		l := &net.Layers[li]
		if mode == Faithful && l.RoleOrBody() != RoleBody {
			slots[li] = PipelineSlot{Decision: -1}
			continue
		}
		unit := PipelineUnit(l)
		di := slices.IndexFunc(s.Decisions, func(d Decision) bool { return d.Knob == KnobPipeline && d.Name == "pipeline."+unit })
		if di < 0 {
			return nil, fmt.Errorf("accel: layer %q is in unit %q, which the space does not place", l.Name, unit)
		}
		sl := PipelineSlot{Decision: di}
		for o, size := range s.Decisions[di].Options {
			// The rule's own names: a threshold every map reaches names the
			// large-map chunk, one none reaches the small-map one.
			name := AutoNBAChunkName(l, 0)
			if size == 1 {
				name = AutoNBAChunkName(l, math.MaxInt)
			}
			sl.Chunks[o] = slices.IndexFunc(s.Template.Chunks, func(c SubAccel) bool { return c.Name == name })
			if sl.Chunks[o] < 0 {
				return nil, fmt.Errorf("accel: layer %q (unit %q) needs chunk %q, which design %q does not have", l.Name, unit, name, s.Template.Name)
			}
		}
		slots[li] = sl
	}
	return slots, nil
}

// PlacePipeline writes into plan (one entry per layer, as Plan) the chunk
// that runs each layer at point choice. It allocates nothing, so a search
// calls it at every evaluation.
func PlacePipeline(plan []int, slots []PipelineSlot, choice []int) {
	for li, sl := range slots {
		if sl.Decision < 0 {
			plan[li] = -1
		} else {
			plan[li] = sl.Chunks[choice[sl.Decision]]
		}
	}
}

// Cardinality returns the number of points, ignoring bounds (an upper
// bound on the valid ones), as a float64 because it overflows int64.
func (s *Space) Cardinality() float64 {
	n := 1.0
	for i := range s.Decisions {
		n *= float64(len(s.Decisions[i].Options))
	}
	return n
}

// Allowed reports whether option opt of decision i is valid given the
// options already chosen for earlier decisions (choice[j] for j < i).
func (s *Space) Allowed(i int, choice []int, opt int) bool {
	d := &s.Decisions[i]
	if opt < 0 || opt >= len(d.Options) {
		return false
	}
	if d.Bound < 0 {
		return true
	}
	b := &s.Decisions[d.Bound]
	return d.Options[opt] <= b.Options[choice[d.Bound]]
}

// Sample draws a uniformly random valid option for every decision in order
// (each among the options its bound allows) into choice, which must have
// one entry per decision.
func (s *Space) Sample(r *rand.Rand, choice []int) {
	for i := range s.Decisions {
		d := &s.Decisions[i]
		first := 0
		for first < len(d.Options)-1 && !s.Allowed(i, choice, first) {
			first++
		}
		choice[i] = first + r.IntN(len(d.Options)-first)
	}
}

// Decode writes the design at point choice into dst, reusing dst's chunk
// slice (no allocation once it has the capacity). Chunks share the
// template's Layers slices.
func (s *Space) Decode(choice []int, dst *Design) error {
	if len(choice) != len(s.Decisions) {
		return fmt.Errorf("accel: point has %d choices for %d decisions", len(choice), len(s.Decisions))
	}
	chunks := append(dst.Chunks[:0], s.Template.Chunks...)
	*dst = s.Template
	dst.Chunks = chunks
	for i := range s.Decisions {
		d := &s.Decisions[i]
		if !s.Allowed(i, choice, choice[i]) {
			return fmt.Errorf("accel: decision %s: option %d is out of range or above its bound", d.Name, choice[i])
		}
		if d.Knob == KnobPipeline {
			continue // the layers' places: PlacePipeline
		}
		v := d.Options[choice[i]]
		c := &dst.Chunks[d.Chunk]
		switch d.Knob {
		case KnobGBTile:
			c.Tiles[LevelGB][d.Dim] = v
		case KnobRFTile:
			c.Tiles[LevelRF][d.Dim] = v
		case KnobOrder:
			if v < 0 || v >= len(s.Orders) {
				return fmt.Errorf("accel: decision %s: order %d of %d", d.Name, v, len(s.Orders))
			}
			c.Order[d.Level] = s.Orders[v]
		case KnobDataflow:
			c.Dataflow = Dataflow(v)
		}
	}
	// Unrolling depends on the dataflow; the array is sized to hold it,
	// rows over RowDims (C, R, P, N) and columns over K, S, Q.
	for i := range s.Decisions {
		d := &s.Decisions[i]
		if d.Knob != KnobUnroll {
			continue
		}
		c := &dst.Chunks[d.Chunk]
		c.Unroll[d.Dim] = 1
		if c.Dataflow.Spatial().Has(d.Dim) {
			c.Unroll[d.Dim] = d.Options[choice[i]]
		}
		rows, cols := 1, 1
		for dim := Dim(0); dim < NumDims; dim++ {
			if RowDims.Has(dim) {
				rows *= OrOne(c.Unroll[dim])
			} else {
				cols *= OrOne(c.Unroll[dim])
			}
		}
		c.Rows, c.Cols = rows, cols
	}
	// Modes become dataflows, unrolling and arrays once the tiles are set.
	for i := range s.Decisions {
		d := &s.Decisions[i]
		if d.Knob != KnobMode {
			continue
		}
		c := &dst.Chunks[d.Chunk]
		rf := &c.Tiles[LevelRF]
		c.Unroll = Extents{}
		switch mode := d.Options[choice[i]]; {
		case mode == 0:
			c.Dataflow, c.Unroll[DimK], c.Rows, c.Cols = WeightStationary, rf[DimK], 1, rf[DimK]
		case mode == 1 && !d.Depthwise:
			c.Dataflow, c.Unroll[DimK], c.Rows, c.Cols = WeightStationary, rf[DimK], rf[DimC], rf[DimK]
			if rf[DimC] > 1 { // with tn = 1, mode 1 is mode 0: one canonical design
				c.Unroll[DimC] = rf[DimC]
			}
		default: // std 2, dw 1
			c.Dataflow, c.Unroll[DimP], c.Rows, c.Cols = OutputStationary, rf[DimP], rf[DimP], 1
		}
	}
	return nil
}

// ChunkChoices lists the options GenericSpace offers for every chunk of a
// template; an empty list leaves the template's value. Tile and unroll
// options must be positive and descending.
type ChunkChoices struct {
	Dataflows              []Dataflow
	GBTile, RFTile, Unroll [NumDims][]int
	// Orders are the loop orders offered at the GB and DRAM levels.
	Orders []LoopOrder
}

// GenericSpace returns the space of designs shaped like template (its
// chunks, bit-widths, buffers and assignment) whose chunks each pick a
// dataflow, GB tiles, compute tiles (≤ the GB tile), unrolling (≤ the
// compute tile, or the GB tile) and GB and DRAM loop orders from choices.
// It is the DNA-style space: evaluate its points with dna.Evaluate (which
// uses loop orders) or the corrected chunk model. Tiles may pad.
func GenericSpace(template Design, choices ChunkChoices) (*Space, error) {
	if len(template.Chunks) == 0 {
		return nil, fmt.Errorf("accel: generic space: the template has no chunks")
	}
	for _, df := range choices.Dataflows {
		if df >= numDataflows {
			return nil, fmt.Errorf("accel: generic space: dataflow %d is not one of ws, os, is, rs", df)
		}
	}
	for d := Dim(0); d < NumDims; d++ {
		for _, list := range [][]int{choices.GBTile[d], choices.RFTile[d], choices.Unroll[d]} {
			for i, v := range list {
				if v < 1 || v > MaxTile || (i > 0 && v >= list[i-1]) {
					return nil, fmt.Errorf("accel: generic space: %s options %v must be descending, in [1, %d]", d, list, MaxTile)
				}
			}
		}
	}
	for _, o := range choices.Orders {
		if !o.IsPermutation() {
			return nil, fmt.Errorf("accel: generic space: loop order %s is not a permutation of N, K, C, P, Q, R, S", o)
		}
	}
	s := &Space{Template: template, Orders: choices.Orders}
	s.Template.Pad = true
	s.Template.Chunks = append([]SubAccel(nil), template.Chunks...)
	indices := func(n int) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	for ci := range s.Template.Chunks {
		name := s.Template.Chunks[ci].Name
		if len(choices.Dataflows) > 0 {
			opts := make([]int, len(choices.Dataflows))
			for i, df := range choices.Dataflows {
				opts[i] = int(df)
			}
			s.add(Decision{Name: name + ".dataflow", Chunk: ci, Knob: KnobDataflow, Options: opts, Bound: -1})
		}
		var gbAt, rfAt [NumDims]int
		for d := Dim(0); d < NumDims; d++ {
			gbAt[d], rfAt[d] = -1, -1
			if len(choices.GBTile[d]) > 0 {
				gbAt[d] = len(s.Decisions)
				s.add(Decision{Name: name + ".gb." + d.String(), Chunk: ci, Knob: KnobGBTile, Dim: d, Options: choices.GBTile[d], Bound: -1})
			}
		}
		for d := Dim(0); d < NumDims; d++ {
			if len(choices.RFTile[d]) > 0 {
				rfAt[d] = len(s.Decisions)
				s.add(Decision{Name: name + ".rf." + d.String(), Chunk: ci, Knob: KnobRFTile, Dim: d, Options: choices.RFTile[d], Bound: gbAt[d]})
			}
		}
		for d := Dim(0); d < NumDims; d++ {
			if len(choices.Unroll[d]) > 0 {
				bound := rfAt[d]
				if bound < 0 {
					bound = gbAt[d]
				}
				s.add(Decision{Name: name + ".unroll." + d.String(), Chunk: ci, Knob: KnobUnroll, Dim: d, Options: choices.Unroll[d], Bound: bound})
			}
		}
		if len(choices.Orders) > 0 {
			for _, lv := range []MemLevel{LevelGB, LevelDRAM} {
				s.add(Decision{Name: name + ".order." + lv.String(), Chunk: ci, Knob: KnobOrder, Level: lv, Options: indices(len(choices.Orders)), Bound: -1})
			}
		}
	}
	return s, nil
}

// Encode finds the point of the space that decodes to design d (its
// chunks in the template's order), writing one option index per decision
// into choice. It fails, naming the decision, when a value of d is not
// among the options. Decode(Encode(d)) reproduces d's knobs; where several
// points decode alike (an unroll the dataflow ignores), it picks one.
func (s *Space) Encode(d *Design, choice []int) error {
	if len(choice) != len(s.Decisions) {
		return fmt.Errorf("accel: point has %d choices for %d decisions", len(choice), len(s.Decisions))
	}
	if len(d.Chunks) != len(s.Template.Chunks) {
		return fmt.Errorf("accel: design %q has %d chunks; the space has %d", d.Name, len(d.Chunks), len(s.Template.Chunks))
	}
	for i := range s.Decisions {
		dec := &s.Decisions[i]
		if dec.Knob == KnobPipeline {
			return fmt.Errorf("accel: decision %s places layers, which Encode does not read back from a design", dec.Name)
		}
		c := &d.Chunks[dec.Chunk]
		var v int
		switch dec.Knob {
		case KnobMode:
			switch {
			case c.Dataflow == OutputStationary && dec.Depthwise:
				v = 1
			case c.Dataflow == OutputStationary:
				v = 2
			case OrOne(c.Unroll[DimC]) > 1 && !dec.Depthwise:
				v = 1
			}
		case KnobGBTile:
			v = c.Tiles[LevelGB][dec.Dim]
		case KnobRFTile:
			v = c.Tiles[LevelRF][dec.Dim]
		case KnobDataflow:
			v = int(c.Dataflow)
		case KnobUnroll:
			v = OrOne(c.Unroll[dec.Dim])
		case KnobOrder:
			v = -1
			for j, o := range s.Orders {
				if o == c.Order[dec.Level].Resolve() || o == c.Order[dec.Level] {
					v = j
				}
			}
		}
		choice[i] = -1
		for j, o := range dec.Options {
			if o == v && s.Allowed(i, choice, j) {
				choice[i] = j
				break
			}
		}
		if choice[i] < 0 {
			return fmt.Errorf("accel: decision %s: design %q has %d, not among the options %v", dec.Name, d.Name, v, dec.Options)
		}
	}
	return nil
}
