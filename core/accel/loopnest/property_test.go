package loopnest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// Shapes for random tests. conv2d is the 7-D convolution of ConvProblem;
// strided has a stride-2 input rank.
func testShapes() []*Problem {
	conv1d := &Problem{Name: "conv1d", Dims: []string{"R", "P"}, DataSpaces: []DataSpace{
		{Name: "Weights", Ranks: [][]Term{{{Dim: 0, Coef: 1}}}},
		{Name: "Inputs", Ranks: [][]Term{{{Dim: 0, Coef: 1}, {Dim: 1, Coef: 1}}}},
		{Name: "Outputs", Ranks: [][]Term{{{Dim: 1, Coef: 1}}}, ReadWrite: true},
	}}
	conv1dKC := &Problem{Name: "conv1d+oc+ic", Dims: []string{"C", "K", "R", "P"}, DataSpaces: []DataSpace{
		{Name: "Weights", Ranks: [][]Term{{{Dim: 0, Coef: 1}}, {{Dim: 1, Coef: 1}}, {{Dim: 2, Coef: 1}}}},
		{Name: "Inputs", Ranks: [][]Term{{{Dim: 0, Coef: 1}}, {{Dim: 2, Coef: 1}, {Dim: 3, Coef: 1}}}},
		{Name: "Outputs", Ranks: [][]Term{{{Dim: 1, Coef: 1}}, {{Dim: 3, Coef: 1}}}, ReadWrite: true},
	}}
	strided := &Problem{Name: "strided", Dims: []string{"K", "R", "P"}, DataSpaces: []DataSpace{
		{Name: "Weights", Ranks: [][]Term{{{Dim: 0, Coef: 1}}, {{Dim: 1, Coef: 1}}}},
		{Name: "Inputs", Ranks: [][]Term{{{Dim: 1, Coef: 1}, {Dim: 2, Coef: 2}}}},
		{Name: "Outputs", Ranks: [][]Term{{{Dim: 0, Coef: 1}}, {{Dim: 2, Coef: 1}}}, ReadWrite: true},
	}}
	conv2d := ConvProblem(accel.Layer{Name: "c", N: 1, InC: 1, K: 1, H: 1, W: 1, R: 1, S: 1})
	return []*Problem{conv1d, conv1dKC, strided, conv2d}
}

var smallFactors = []int{1, 1, 2, 2, 3, 4, 6}

// randomCase draws a problem with small bounds and a random mapping of it:
// 2–4 levels, every bound's prime factors scattered over temporal and
// spatial slots, random loop orders and keep sets.
func randomNestCase(rng *rand.Rand) (*Problem, *Mapping) {
	shapes := testShapes()
	base := shapes[rng.IntN(len(shapes))]
	p := &Problem{Name: base.Name, Dims: base.Dims, DataSpaces: base.DataSpaces, Bounds: make([]int, len(base.Dims))}
	for {
		macs := 1
		for i := range p.Bounds {
			p.Bounds[i] = smallFactors[rng.IntN(len(smallFactors))]
			macs *= p.Bounds[i]
		}
		if macs <= 4096 && macs >= 4 {
			break
		}
	}
	L := 2 + rng.IntN(3)
	m := &Mapping{Levels: make([]MappingLevel, L)}
	for li := range m.Levels {
		m.Levels[li].Name = string(rune('A' + li))
		if li == 0 {
			m.Levels[li].Keep = AllDataSpaces(len(p.DataSpaces))
		} else {
			m.Levels[li].Keep = DataSpaceMask(rng.IntN(1 << uint(len(p.DataSpaces))))
		}
	}
	fanout := 1
	type slot struct{ level, spatial int }
	for d, b := range p.Bounds {
		factors := map[slot]int{}
		for _, f := range primeFactors(b) {
			s := slot{rng.IntN(L), 0}
			if s.level < L-1 && rng.IntN(3) == 0 && fanout*f <= 16 {
				s.spatial = 1
				fanout *= f
			}
			if factors[s] == 0 {
				factors[s] = 1
			}
			factors[s] *= f
		}
		for li := 0; li < L; li++ {
			for sp := 0; sp < 2; sp++ {
				f := factors[slot{li, sp}]
				if f == 0 {
					continue
				}
				lp := Loop{Dim: d, Factor: f}
				lv := &m.Levels[li]
				if sp == 1 {
					k := rng.IntN(len(lv.Spatial) + 1)
					lv.Spatial = append(lv.Spatial[:k], append([]Loop{lp}, lv.Spatial[k:]...)...)
				} else {
					k := rng.IntN(len(lv.Temporal) + 1)
					lv.Temporal = append(lv.Temporal[:k], append([]Loop{lp}, lv.Temporal[k:]...)...)
				}
			}
		}
	}
	return p, m
}

// The closed form must agree with the step-by-step walk that applies
// Timeloop's box arithmetic literally, on every count.
func TestEvaluateMatchesTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 60
	}
	for i := 0; i < n; i++ {
		p, m := randomNestCase(rng)
		got, err := evaluateStepwise(p, m)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want, err := trace(p, m, nil, true)
		if err != nil {
			t.Fatalf("case %d: trace: %v", i, err)
		}
		if got.Cycles != want.Cycles || got.ComputeInstances != want.ComputeInstances {
			t.Fatalf("case %d: cycles/units %d/%d, trace %d/%d", i, got.Cycles, got.ComputeInstances, want.Cycles, want.ComputeInstances)
		}
		for li := range got.Levels {
			for d := range p.DataSpaces {
				g, w := got.Levels[li].DS[d], want.Levels[li].DS[d]
				g.Multicast, w.Multicast = 0, 0
				if g != w || got.Levels[li].Instances != want.Levels[li].Instances {
					t.Fatalf("case %d (%s %v):\n%s\nlevel %s %s: model %+v, trace %+v",
						i, p.Name, p.Bounds, m.String(p), got.Levels[li].Name, p.DataSpaces[d].Name, g, w)
				}
			}
		}
	}
}

// Counts per instance do not depend on the batch when the batch is an
// outer DRAM loop over whole layers: every count at DRAM scales by N, and
// on-chip counts scale by N too because each image repeats the same walk.
func TestCountsScaleWithBatch(t *testing.T) {
	l := accel.Layer{N: 1, InC: 4, K: 8, H: 6, W: 6, R: 3, S: 3}
	p1 := ConvProblem(l)
	l.N = 5
	p5 := ConvProblem(l)
	m := &Mapping{Levels: []MappingLevel{
		{Name: "DRAM", Keep: 7, Temporal: []Loop{{Dim: dimIdx(p1, "K"), Factor: 2}}},
		{Name: "GB", Keep: 7, Temporal: []Loop{{Dim: dimIdx(p1, "P"), Factor: 4}, {Dim: dimIdx(p1, "C"), Factor: 2}}, Spatial: []Loop{{Dim: dimIdx(p1, "K"), Factor: 4}}},
		{Name: "RF", Keep: 1, Temporal: []Loop{{Dim: dimIdx(p1, "Q"), Factor: 4}, {Dim: dimIdx(p1, "C"), Factor: 2}, {Dim: dimIdx(p1, "R"), Factor: 3}, {Dim: dimIdx(p1, "S"), Factor: 3}}},
	}}
	s1, err := Evaluate(p1, m)
	if err != nil {
		t.Fatal(err)
	}
	m5 := m.Clone()
	m5.Levels[0].Temporal = append([]Loop{{Dim: dimIdx(p5, "N"), Factor: 5}}, m5.Levels[0].Temporal...)
	s5, err := Evaluate(p5, m5)
	if err != nil {
		t.Fatal(err)
	}
	if s5.Cycles != 5*s1.Cycles || s5.MACs != 5*s1.MACs {
		t.Errorf("cycles, MACs = %d, %d; want 5× %d, %d", s5.Cycles, s5.MACs, s1.Cycles, s1.MACs)
	}
	for li := range s1.Levels {
		for d := 0; d < 3; d++ {
			a, b := s1.Levels[li].DS[d], s5.Levels[li].DS[d]
			if b.Reads != 5*a.Reads || b.Fills != 5*a.Fills || b.Updates != 5*a.Updates {
				t.Errorf("level %s ds %d: N=5 gives %d/%d/%d, want 5× %d/%d/%d", s1.Levels[li].Name, d, b.Reads, b.Fills, b.Updates, a.Reads, a.Fills, a.Updates)
			}
		}
	}
}

// Spreading a temporal loop over more PEs never makes a mapping slower, and
// leaves the MAC count alone.
func TestMorePEsNeverSlower(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		p, m := randomNestCase(rng)
		st, err := Evaluate(p, m)
		if err != nil {
			t.Fatal(err)
		}
		// Move the first temporal loop of level 0 with factor > 1 into
		// level 0's spatial loops.
		m2 := m.Clone()
		moved := false
		for k, lp := range m2.Levels[0].Temporal {
			if lp.Factor > 1 && len(m2.Levels) > 1 {
				m2.Levels[0].Temporal = append(m2.Levels[0].Temporal[:k], m2.Levels[0].Temporal[k+1:]...)
				m2.Levels[0].Spatial = append(m2.Levels[0].Spatial, lp)
				moved = true
				break
			}
		}
		if !moved {
			continue
		}
		st2, err := Evaluate(p, m2)
		if err != nil {
			t.Fatal(err)
		}
		if st2.Cycles > st.Cycles || st2.MACs != st.MACs {
			t.Fatalf("case %d: %d PEs take %d cycles, %d PEs %d", i, st.ComputeInstances, st.Cycles, st2.ComputeInstances, st2.Cycles)
		}
	}
}

func dimIdx(p *Problem, name string) int {
	i := p.DimIndex(name)
	if i < 0 {
		panic("no dimension " + name)
	}
	return i
}

// Energy is the sum of its parts, for every table.
func TestEnergySumOfParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 50; i++ {
		p, m := randomNestCase(rng)
		st, err := Evaluate(p, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, tab := range EnergyTables() {
			a := &Arch{Name: "x", MAC: ArchCompute{Width: 16}}
			for li, l := range m.Levels {
				class := []string{"DRAM", "SRAM", "regfile", "regfile"}[min(li, 3)]
				a.Levels = append(a.Levels, ArchLevel{Name: l.Name, Class: class, Depth: 1024, Width: 16 * (1 + li%2), DataWidth: 16})
			}
			if err := tab.Price(a); err != nil {
				t.Fatal(err)
			}
			var eb EnergyBreakdown
			if err := a.Energy(p, st, &eb); err != nil {
				t.Fatal(err)
			}
			sum := eb.MAC
			for _, le := range eb.Levels {
				for _, e := range le.DS {
					sum += e
				}
				sum += le.Network
			}
			if math.Abs(sum-eb.TotalPJ) > 1e-9*math.Abs(sum) || eb.TotalPJ <= 0 {
				t.Fatalf("%s: total %g, parts %g", tab.Name, eb.TotalPJ, sum)
			}
		}
	}
}

func TestEvaluateAllocatesNothing(t *testing.T) {
	p, m := randomNestCase(rand.New(rand.NewPCG(7, 8)))
	e, err := NewEvaluator(p)
	if err != nil {
		t.Fatal(err)
	}
	var st Stats
	if err := e.Evaluate(m, &st); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = e.Evaluate(m, &st) }); n != 0 {
		t.Errorf("Evaluate allocates %v times per call", n)
	}
}

// The visualisation's contract: summing a trace's moves gives Stats.
func TestTraceMovesSumToStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 100; i++ {
		p, m := randomNestCase(rng)
		st, err := evaluateStepwise(p, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, exact := range []bool{false, true} {
			var acc, in [MaxLevels][MaxDataSpaces]int64
			steps := int64(0)
			_, err = trace(p, m, func(s *TraceStep) bool {
				steps++
				for _, mv := range s.Moves {
					acc[mv.Parent][mv.DataSpace] += mv.Accesses
					if mv.Child >= 0 {
						in[mv.Child][mv.DataSpace] += mv.Delta
					}
				}
				return true
			}, exact)
			if err != nil {
				t.Fatal(err)
			}
			if steps != st.Cycles {
				t.Fatalf("case %d: %d steps, %d cycles", i, steps, st.Cycles)
			}
			for li := range st.Levels {
				for d, ds := range p.DataSpaces {
					s := st.Levels[li].DS[d]
					if !s.Kept {
						continue
					}
					wantAcc, wantIn := s.Reads, s.Fills
					if ds.ReadWrite {
						wantAcc = s.Updates
						if li > 0 {
							wantIn = s.Fills + s.PartitionSize
						}
					}
					if acc[li][d] != wantAcc || in[li][d] != wantIn {
						t.Fatalf("case %d (exact %v) level %d %s: moves sum to %d out, %d in; stats %d, %d", i, exact, li, ds.Name, acc[li][d], in[li][d], wantAcc, wantIn)
					}
				}
			}
		}
	}
}

// Huge strided spans do not make the distinct counts allocate or loop
// without bound: they fall back to an upper bound.
func TestHugeSpansStayCheap(t *testing.T) {
	p := &Problem{Name: "wide", Dims: []string{"R", "P"}, Bounds: []int{1 << 20, 64}, DataSpaces: []DataSpace{
		{Name: "Weights", Ranks: [][]Term{{{Dim: 0, Coef: 1}}}},
		{Name: "Inputs", Ranks: [][]Term{{{Dim: 0, Coef: 1 << 16}, {Dim: 1, Coef: 1}}}},
		{Name: "Outputs", Ranks: [][]Term{{{Dim: 1, Coef: 1}}}, ReadWrite: true},
	}}
	m := &Mapping{Levels: []MappingLevel{
		{Name: "A", Keep: 7, Temporal: []Loop{{Dim: 0, Factor: 1 << 10}}, Spatial: []Loop{{Dim: 0, Factor: 1 << 10}, {Dim: 1, Factor: 8}}},
		{Name: "B", Keep: 7, Temporal: []Loop{{Dim: 1, Factor: 8}}},
	}}
	st, err := Evaluate(p, m)
	if err != nil {
		t.Fatal(err)
	}
	if g := st.Levels[0].DS[1].Multicast; g > 8<<10 || g < 1 {
		t.Errorf("multicast groups %d outside [1, fan-out]", g)
	}
}
