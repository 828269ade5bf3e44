package loopnest_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop"
)

// Timeloop tutorial exercise 01 (output stationary): a 1-D convolution on a
// main memory and a buffer. The numbers printed are those in Timeloop's own
// stats for this mapping (testdata/timeloop/01-model-conv1d-2level).
func ExampleEvaluate() {
	p, err := tlyaml.ReadProblem("conv1d.prob.yaml", []byte(`problem:
  shape:
    dimensions: [ R, P ]
    data_spaces:
    - name: Weights
      projection:
      - [ [R] ]
    - name: Inputs
      projection:
      - [ [R], [P] ]
    - name: Outputs
      projection:
      - [ [P] ]
      read_write: True
  instance:
    R: 3
    P: 16
`))
	if err != nil {
		panic(err)
	}
	tm, err := timeloop.ReadMapTxt("os.map.txt", []byte(`MainMemory [ Weights:3 (3) Inputs:18 (18) Outputs:16 (16) ]
| for P in [0:16)
Buffer [ Weights:3 (3) Inputs:3 (3) Outputs:1 (1) ]
|   for R in [0:3)
|     << Compute >>
`), p)
	if err != nil {
		panic(err)
	}
	st, err := loopnest.Evaluate(p, tm.Mapping)
	if err != nil {
		panic(err)
	}
	fmt.Println("cycles", st.Cycles)
	for _, l := range st.Levels {
		for d, ds := range p.DataSpaces {
			s := l.DS[d]
			fmt.Printf("%s %s: reads %d fills %d updates %d\n", l.Name, ds.Name, s.Reads, s.Fills, s.Updates)
		}
	}
	// Output:
	// cycles 48
	// MainMemory Weights: reads 3 fills 0 updates 0
	// MainMemory Inputs: reads 18 fills 0 updates 0
	// MainMemory Outputs: reads 0 fills 0 updates 16
	// Buffer Weights: reads 48 fills 3 updates 0
	// Buffer Inputs: reads 48 fills 18 updates 0
	// Buffer Outputs: reads 32 fills 0 updates 48
}

// Trace steps through the same mapping one cycle at a time; a visualisation
// accumulates the moves and ends on Evaluate's counts.
func ExampleTrace() {
	p := loopnest.ConvProblem(accel.Layer{N: 1, InC: 1, K: 1, H: 1, W: 18, R: 1, S: 3})
	q, s := p.DimIndex("Q"), p.DimIndex("S")
	m := &loopnest.Mapping{Levels: []loopnest.MappingLevel{
		{Name: "MainMemory", Keep: 7, Temporal: []loopnest.Loop{{Dim: q, Factor: 16}}},
		{Name: "Buffer", Keep: 7, Temporal: []loopnest.Loop{{Dim: s, Factor: 3}}},
	}}
	var bufferInputFills int64
	st, err := loopnest.Trace(p, m, func(step *loopnest.TraceStep) bool {
		for _, mv := range step.Moves {
			if mv.Child == 1 && mv.DataSpace == loopnest.DSInputs {
				bufferInputFills += mv.Delta
			}
		}
		return true
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("steps", st.Cycles, "buffer input fills", bufferInputFills)
	// Output:
	// steps 48 buffer input fills 18
}

// MapLayer finds a mapping for a MobileNetV2 layer on the Eyeriss preset.
func ExampleMapLayer() {
	p, _ := accel.Preset("eyeriss")
	chunk := &accel.SubAccel{Name: "eyeriss", Rows: p.Rows, Cols: p.Cols, Dataflow: accel.RowStationary,
		Bits: 16, RFBytes: 512, GBBytes: int64(p.GlobalBufferBytes)}
	l := accel.Layer{Name: "expand", N: 1, InC: 24, K: 144, H: 56, W: 56, R: 1, S: 1}
	res, err := loopnest.MapLayer(l, chunk, loopnest.DNA65, loopnest.MapperOptions{Objective: loopnest.MinEDP})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(res.Mapping.Levels), "levels;", res.Stats.MACs, "MACs; at most", p.PEs(), "PEs busy:", res.Stats.ComputeInstances <= int64(p.PEs()))
	// Output:
	// 3 levels; 10838016 MACs; at most 168 PEs busy: true
}

// A design's chunk maps a layer (DesignMapping); ChunkOf reads the chunk
// back from the mapping and its architecture, as `dian eval -timeloop-map
// -platform` does with exported Timeloop files, so the search's own models
// can cost it. The tiles come back clipped to the layer.
func ExampleChunkOf() {
	l := accel.Layer{Name: "conv", N: 1, InC: 16, K: 32, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1}
	c := accel.SubAccel{Name: "ws", Rows: 16, Cols: 8, Dataflow: accel.WeightStationary, Bits: 8, RFBytes: 256, GBBytes: 65536,
		Unroll: accel.Extents{accel.DimC: 16, accel.DimK: 8},
		Tiles:  [accel.LevelDRAM]accel.Extents{accel.LevelRF: {accel.DimK: 8, accel.DimC: 64}, accel.LevelGB: {accel.DimK: 16}}}
	p, m, err := loopnest.DesignMapping(l, &c, true)
	if err != nil {
		panic(err)
	}
	arch, err := loopnest.ArchOf(&c, loopnest.Horowitz45)
	if err != nil {
		panic(err)
	}
	_, got, err := loopnest.ChunkOf(p, m, arch)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d×%d %s, %d-bit, RF %d B, GB %d B\n", got.Rows, got.Cols, got.Dataflow, got.Bits, got.RFBytes, got.GBBytes)
	fmt.Println("unroll K, C:", got.Unroll[accel.DimK], got.Unroll[accel.DimC])
	fmt.Println("RF tile K, C:", got.Tiles[accel.LevelRF][accel.DimK], got.Tiles[accel.LevelRF][accel.DimC])
	fmt.Println("GB tile K, P:", got.Tiles[accel.LevelGB][accel.DimK], got.Tiles[accel.LevelGB][accel.DimP])
	// Output:
	// 16×8 ws, 8-bit, RF 256 B, GB 65536 B
	// unroll K, C: 8 16
	// RF tile K, C: 8 16
	// GB tile K, P: 16 14
}
