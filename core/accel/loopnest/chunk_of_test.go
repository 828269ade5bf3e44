package loopnest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// chunkOfCase is a design's chunk on a layer: DesignMapping maps it, and
// ChunkOf must read the mapping back to a chunk that maps the same way.
type chunkOfCase struct {
	name  string
	layer accel.Layer
	chunk accel.SubAccel
}

func chunkOfCases() []chunkOfCase {
	order := func(ds ...accel.Dim) accel.LoopOrder {
		var o accel.LoopOrder
		copy(o[:], ds)
		return o
	}
	return []chunkOfCase{
		{"ws", accel.Layer{Name: "conv", N: 1, InC: 16, K: 32, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1},
			accel.SubAccel{Rows: 16, Cols: 8, Dataflow: accel.WeightStationary, Bits: 8, RFBytes: 256, GBBytes: 65536,
				Unroll: accel.Extents{accel.DimC: 16, accel.DimK: 8},
				Tiles: [accel.LevelDRAM]accel.Extents{
					accel.LevelRF: {accel.DimK: 8, accel.DimC: 16, accel.DimP: 7},
					accel.LevelGB: {accel.DimK: 16, accel.DimP: 14, accel.DimQ: 14}},
				Order: [accel.NumMemLevels]accel.LoopOrder{accel.LevelGB: order(accel.DimQ, accel.DimP, accel.DimK, accel.DimN, accel.DimC, accel.DimR, accel.DimS)}}},
		{"os-strided", accel.Layer{Name: "down", N: 2, InC: 8, K: 24, H: 14, W: 14, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
			accel.SubAccel{Rows: 8, Cols: 8, Dataflow: accel.OutputStationary, Bits: 16, RFBytes: 512, GBBytes: 131072,
				Unroll: accel.Extents{accel.DimP: 7, accel.DimK: 8},
				Tiles:  [accel.LevelDRAM]accel.Extents{accel.LevelRF: {accel.DimP: 7, accel.DimK: 8, accel.DimC: 4}}}},
		{"rs-depthwise", accel.Layer{Name: "dw", N: 1, InC: 32, K: 32, H: 7, W: 7, R: 3, S: 3, PadH: 1, PadW: 1, Groups: 32},
			accel.SubAccel{Rows: 12, Cols: 28, Dataflow: accel.RowStationary, Bits: 16, RFBytes: 512, GBBytes: 110592,
				Unroll: accel.Extents{accel.DimR: 3, accel.DimK: 4, accel.DimQ: 7},
				Tiles:  [accel.LevelDRAM]accel.Extents{accel.LevelGB: {accel.DimK: 16}},
				Order:  [accel.NumMemLevels]accel.LoopOrder{accel.LevelDRAM: order(accel.DimK, accel.DimN, accel.DimC, accel.DimP, accel.DimQ, accel.DimR, accel.DimS)}}},
		{"is-grouped", accel.Layer{Name: "g2", N: 1, InC: 16, K: 16, H: 8, W: 8, R: 1, S: 1, Groups: 2},
			accel.SubAccel{Rows: 8, Cols: 16, Dataflow: accel.InputStationary, Bits: 8, RFBytes: 128, GBBytes: 32768,
				Unroll: accel.Extents{accel.DimC: 8, accel.DimQ: 8}}},
	}
}

// mapped is a case's design mapping and the architecture ArchOf gives its
// chunk: what `dian export -format timeloop` writes for the layer.
func (tc chunkOfCase) mapped(t *testing.T) (*accel.SubAccel, *Problem, *Mapping, *Arch) {
	t.Helper()
	c := tc.chunk
	c.Name = "chunk"
	p, m, err := DesignMapping(tc.layer, &c, true)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := ArchOf(&c, Horowitz45)
	if err != nil {
		t.Fatal(err)
	}
	return &c, p, m, arch
}

// ChunkOf inverts DesignMapping: the chunk read back from a mapping maps
// the layer to the same mapping, on the same array, buffers and width.
func TestChunkOfInvertsDesignMapping(t *testing.T) {
	for _, tc := range chunkOfCases() {
		t.Run(tc.name, func(t *testing.T) {
			c, p, m, arch := tc.mapped(t)
			l, got, err := ChunkOf(p, m, arch)
			if err != nil {
				t.Fatal(err)
			}
			if l.K != tc.layer.K || l.C() != tc.layer.C() || l.G() != tc.layer.G() || l.P() != tc.layer.P() || l.R != tc.layer.R {
				t.Errorf("layer read back as %+v; mapped %+v", l, tc.layer)
			}
			if got.Rows != c.Rows || got.Cols != c.Cols || got.Dataflow != c.Dataflow || got.Bits != c.Bits ||
				got.RFBytes != c.RFBytes || got.GBBytes != c.GBBytes {
				t.Errorf("chunk read back as %d×%d %v %d-bit, RF %d B, GB %d B; it was %d×%d %v %d-bit, RF %d B, GB %d B",
					got.Rows, got.Cols, got.Dataflow, got.Bits, got.RFBytes, got.GBBytes, c.Rows, c.Cols, c.Dataflow, c.Bits, c.RFBytes, c.GBBytes)
			}
			p2, m2, err := DesignMapping(l, &got, true)
			if err != nil {
				t.Fatalf("the chunk read back does not map: %v", err)
			}
			if !reflect.DeepEqual(p2.Bounds, p.Bounds) || !reflect.DeepEqual(m2.Levels, m.Levels) {
				t.Errorf("the chunk read back maps to\n%+v\nthe design mapped to\n%+v", m2.Levels, m.Levels)
			}
		})
	}
}

// A mapping ChunkOf cannot read as a chunk is an error naming the rule it
// breaks.
func TestChunkOfErrors(t *testing.T) {
	_, p, m, arch := chunkOfCases()[0].mapped(t)
	_, gp, gm, garch := chunkOfCases()[3].mapped(t)
	for _, e := range []struct {
		name   string
		p      *Problem
		arch   *Arch
		mutate func(m *Mapping)
		want   string
	}{
		{"four levels", p, arch, func(m *Mapping) {
			m.Levels = append(m.Levels, MappingLevel{Name: LevelNameRF})
		}, "4 storage levels"},
		{"spatial in DRAM", p, arch, func(m *Mapping) {
			m.Levels[0].Spatial = []Loop{{Dim: int(accel.DimN), Factor: 1}}
		}, "only the global buffer may fan out"},
		{"unknown level", p, arch, func(m *Mapping) { m.Levels[1].Name = "L2" }, `level "L2" is not in architecture`},
		{"no dataflow", p, arch, func(m *Mapping) {
			m.Levels[2].Keep = DataSpaceMask(1<<DSWeights | 1<<DSInputs)
		}, "keeps Weights, Inputs; the dataflows keep"},
		{"a dimension twice", p, arch, func(m *Mapping) {
			m.Levels[1].Temporal = append(m.Levels[1].Temporal, Loop{Dim: int(accel.DimQ), Factor: 1}, Loop{Dim: int(accel.DimQ), Factor: 1})
		}, "Q loops twice"},
		{"groups in the buffer", gp, garch, func(m *Mapping) {
			g := gp.DimIndex("G")
			for i, lp := range m.Levels[0].Temporal {
				if lp.Dim == g {
					m.Levels[0].Temporal = append(m.Levels[0].Temporal[:i], m.Levels[0].Temporal[i+1:]...)
					break
				}
			}
			m.Levels[1].Temporal = append(m.Levels[1].Temporal, Loop{Dim: g, Factor: 2})
		}, "G may loop only in DRAM"},
	} {
		t.Run(e.name, func(t *testing.T) {
			src := m
			if e.p == gp {
				src = gm
			}
			mm := src.Clone()
			e.mutate(mm)
			_, _, err := ChunkOf(e.p, mm, e.arch)
			if err == nil || !strings.Contains(err.Error(), e.want) {
				t.Fatalf("err = %v; want it to say %q", err, e.want)
			}
		})
	}
}
