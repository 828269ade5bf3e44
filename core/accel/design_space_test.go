package accel

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestAutoNBASpaceOptions(t *testing.T) {
	s, err := AutoNBASpace("cifar", []int{4, 6, 8}, "zc706")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Template.Chunks) != 12 {
		t.Fatalf("%d chunks, want 4 types × 3 bit-widths = 12", len(s.Template.Chunks))
	}
	// Option lists as docs/METHOD.md §3.2 gives them for CIFAR.
	want := map[string][]int{
		"a0q8.mode": {0, 1, 2}, "a0q8.gb.P": {16, 8, 4, 2, 1}, "a0q8.rf.Q": {16, 8, 4, 2, 1},
		"a0q8.gb.K": {8, 4, 2, 1}, "a0q8.rf.C": {8, 4, 2, 1},
		"a1q4.gb.P": {4, 2, 1}, "a1q4.gb.C": {32, 16, 8, 4, 2, 1}, "a1q4.rf.K": {32, 16, 8, 4, 2, 1},
		"dwa0q6.mode": {0, 1}, "dwa0q6.gb.Q": {16, 8, 4, 2, 1}, "dwa1q6.gb.K": {32, 16, 8, 4, 2, 1},
	}
	got := map[string][]int{}
	for _, d := range s.Decisions {
		got[d.Name] = d.Options
		if d.Knob == KnobRFTile && (d.Bound < 0 || s.Decisions[d.Bound].Dim != d.Dim || s.Decisions[d.Bound].Knob != KnobGBTile) {
			t.Errorf("%s: bound %d is not its buffer tile", d.Name, d.Bound)
		}
	}
	for name, opts := range want {
		if !reflect.DeepEqual(got[name], opts) {
			t.Errorf("%s options = %v, want %v", name, got[name], opts)
		}
	}
	if _, ok := got["dwa0q8.gb.C"]; ok {
		t.Errorf("depthwise chunks have Tn = tn = 1, not a decision")
	}
	// 9 decisions per standard chunk, 7 per depthwise chunk.
	if n := len(s.Decisions); n != 3*(2*9+2*7) {
		t.Errorf("%d decisions, want %d", n, 3*(2*9+2*7))
	}
	im, _ := AutoNBASpace("imagenet", []int{8}, "zc706")
	if im.Decisions[1].Name != "a0q8.gb.P" || !reflect.DeepEqual(im.Decisions[1].Options, []int{28, 14, 7, 2, 1}) {
		t.Errorf("imagenet a0 spatial options = %v", im.Decisions[1].Options)
	}
	for _, bad := range []struct {
		ds   string
		bits []int
		plat string
	}{{"mnist", []int{8}, "zc706"}, {"cifar", nil, "zc706"}, {"cifar", []int{0}, "zc706"}, {"cifar", []int{8}, "tpu"}} {
		if _, err := AutoNBASpace(bad.ds, bad.bits, bad.plat); err == nil {
			t.Errorf("AutoNBASpace(%q, %v, %q) = nil error", bad.ds, bad.bits, bad.plat)
		}
	}
}

func TestSpaceSampleIsValid(t *testing.T) {
	s, _ := AutoNBASpace("cifar", []int{4, 8}, "zc706")
	p, _ := Preset("zc706")
	r := rand.New(rand.NewPCG(9, 10))
	choice := make([]int, len(s.Decisions))
	var d Design
	for i := 0; i < 500; i++ {
		s.Sample(r, choice)
		for j := range choice {
			if !s.Allowed(j, choice, choice[j]) {
				t.Fatalf("sample %d: decision %s option %d not allowed", i, s.Decisions[j].Name, choice[j])
			}
		}
		if err := s.Decode(choice, &d); err != nil {
			t.Fatal(err)
		}
		// Every static constraint holds; only the DSP budget may break.
		if err := d.Validate(p); err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ce *ConstraintError
				if !errors.As(e, &ce) || ce.Constraint != CstDSPBudget {
					t.Fatalf("sample %d: %v", i, e)
				}
			}
		}
	}
	bad := append([]int(nil), choice...)
	for j, d := range s.Decisions {
		if d.Knob == KnobRFTile {
			bad[d.Bound], bad[j] = len(s.Decisions[d.Bound].Options)-1, 0 // buffer tile 1, compute tile the largest
			break
		}
	}
	if err := s.Decode(bad, &d); err == nil {
		t.Errorf("Decode accepted a compute tile above its buffer tile")
	}
	if err := s.Decode(choice[:3], &d); err == nil {
		t.Errorf("Decode accepted a short point")
	}
}

func TestSpaceDecodeZeroAllocs(t *testing.T) {
	s, _ := AutoNBASpace("cifar", []int{4, 6, 8}, "zc706")
	choice := make([]int, len(s.Decisions))
	s.Sample(rand.New(rand.NewPCG(1, 1)), choice)
	var d Design
	s.Decode(choice, &d)
	if n := testing.AllocsPerRun(100, func() { s.Decode(choice, &d) }); n != 0 {
		t.Errorf("Decode into a reused design allocates %v times, want 0", n)
	}
}

func TestSpaceEncodeInvertsDecode(t *testing.T) {
	auto, _ := AutoNBASpace("cifar", []int{4, 8}, "zc706")
	var ch ChunkChoices
	ch.Dataflows = []Dataflow{WeightStationary, OutputStationary}
	for _, d := range []Dim{DimK, DimC, DimP} {
		ch.GBTile[d] = []int{16, 8, 4}
		ch.RFTile[d] = []int{4, 2, 1}
		ch.Unroll[d] = []int{4, 1}
	}
	ch.Orders = []LoopOrder{DefaultLoopOrder, {DimN, DimC, DimK, DimP, DimQ, DimR, DimS}}
	generic, err := GenericSpace(Design{Name: "g", Platform: "eyeriss", Chunks: []SubAccel{{Name: "x", Bits: 8}}}, ch)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(13, 14))
	for _, s := range []*Space{auto, generic} {
		choice := make([]int, len(s.Decisions))
		back := make([]int, len(s.Decisions))
		var d, d2 Design
		for i := 0; i < 300; i++ {
			s.Sample(r, choice)
			s.Decode(choice, &d)
			if err := s.Encode(&d, back); err != nil {
				t.Fatalf("Encode(Decode(%v)): %v", choice, err)
			}
			s.Decode(back, &d2)
			if !reflect.DeepEqual(d, d2) {
				t.Fatalf("Decode(Encode(d)) differs:\n%+v\n%+v", d, d2)
			}
		}
	}
	// The example design file is a point of Auto-NBA's space at {8, 32} bits.
	space, _ := AutoNBASpace("cifar", []int{8, 32}, "zc706")
	ex, err := ReadDesignFile("testdata/design_autonba_cifar.json")
	if err != nil {
		t.Fatal(err)
	}
	var full Design
	full.Chunks = make([]SubAccel, len(space.Template.Chunks))
	copy(full.Chunks, space.Template.Chunks)
	for _, c := range ex.Chunks {
		for i := range full.Chunks {
			if full.Chunks[i].Name == c.Name {
				full.Chunks[i] = c
			}
		}
	}
	choice := make([]int, len(space.Decisions))
	if err := space.Encode(&full, choice); err == nil {
		t.Errorf("Encode accepted a design with unset chunks (dwa0q32 has no tiles)")
	} else if !strings.Contains(err.Error(), "dwa0q32.gb.P") {
		// The six chunks of the example file encode; the first failure is
		// the first chunk it leaves out.
		t.Errorf("Encode error %v, want it to name dwa0q32.gb.P", err)
	}
}

// A searched pipeline places each unit's layers on its kind's large- or
// small-map chunk as its decision says, leaves out what the faithful mode
// leaves out, and refuses a space without Auto-NBA's chunks.
func TestPipelinePlacement(t *testing.T) {
	s, err := AutoNBASpace("cifar", []int{8}, "zc706")
	if err != nil {
		t.Fatal(err)
	}
	units := []string{"stem", "b1", "head"}
	if err := s.AddPipeline(units); err != nil {
		t.Fatal(err)
	}
	net := &Network{Name: "n", Layers: []NetworkLayer{
		{Layer: Layer{Name: "stem", InC: 1, K: 8, H: 8, W: 8, R: 3, S: 3}, Role: RoleStem, Bits: 8},
		{Layer: Layer{Name: "b1.pw", InC: 8, K: 16, H: 8, W: 8, R: 1, S: 1}, Block: "b1", Bits: 8},
		{Layer: Layer{Name: "b1.dw", InC: 16, K: 16, H: 8, W: 8, R: 3, S: 3, Groups: 16}, Block: "b1", Bits: 8},
		{Layer: Layer{Name: "fc", InC: 16, K: 10, H: 1, W: 1, R: 1, S: 1}, Role: RoleHead, Bits: 8},
	}}
	choice := make([]int, len(s.Decisions))
	at := map[string]int{}
	for i, d := range s.Decisions {
		at[d.Name] = i
	}
	chunk := func(plan []int, i int) string {
		if plan[i] < 0 {
			return "-"
		}
		return s.Template.Chunks[plan[i]].Name
	}
	plan := make([]int, len(net.Layers))
	for _, c := range []struct {
		stem, b1, head int
		mode           Mode
		want           string
	}{
		{0, 0, 0, Corrected, "a0q8 a0q8 dwa0q8 a0q8"},
		{1, 0, 1, Corrected, "a1q8 a0q8 dwa0q8 a1q8"},
		{0, 1, 0, Corrected, "a0q8 a1q8 dwa1q8 a0q8"},
		{0, 1, 0, Faithful, "- a1q8 dwa1q8 -"},
	} {
		slots, err := s.PipelineSlots(net, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		choice[at["pipeline.stem"]], choice[at["pipeline.b1"]], choice[at["pipeline.head"]] = c.stem, c.b1, c.head
		PlacePipeline(plan, slots, choice)
		var got []string
		for i := range plan {
			got = append(got, chunk(plan, i))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%+v: %v", c, got)
		}
		if n := testing.AllocsPerRun(10, func() { PlacePipeline(plan, slots, choice) }); n != 0 {
			t.Errorf("PlacePipeline allocates %v times", n)
		}
	}
	net.Layers[1].Block = "b2"
	if _, err := s.PipelineSlots(net, Corrected); err == nil || !strings.Contains(err.Error(), `"b2"`) {
		t.Errorf("a unit the space does not place: %v", err)
	}
	asic, err := PlatformSpace(mustPreset(t, "eyeriss"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := asic.AddPipeline(units); err == nil {
		t.Errorf("a one-array space took a searched pipeline")
	}
}

func mustPreset(t *testing.T, name string) Platform {
	t.Helper()
	p, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
