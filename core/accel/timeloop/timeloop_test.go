package timeloop

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Writing a problem, an arch and a mapping in Timeloop's formats and reading
// them back gives the same counts and energy.
func TestTimeloopWriteReadRoundTrip(t *testing.T) {
	layers := []accel.Layer{
		{Name: "grouped", N: 2, InC: 8, K: 8, H: 6, W: 6, R: 3, S: 3, Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		// MobileNetV2 (ImageNet, 224×224 input)
		{Name: "stem 3x3 s2", N: 1, InC: 3, K: 32, H: 224, W: 224, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
		{Name: "b2 expand 1x1", N: 1, InC: 24, K: 144, H: 56, W: 56, R: 1, S: 1},
		{Name: "b2 depthwise 3x3", N: 1, InC: 144, K: 144, H: 56, W: 56, R: 3, S: 3, PadH: 1, PadW: 1, Groups: 144},
		{Name: "b2 project 1x1", N: 1, InC: 144, K: 24, H: 56, W: 56, R: 1, S: 1},
	}
	eyeriss, err := accel.Preset("eyeriss")
	if err != nil {
		t.Fatal(err)
	}
	for _, df := range accel.Dataflows() {
		for _, l := range layers {
			res, err := loopnest.MapLayer(l, accel.PresetChunk(eyeriss, df), loopnest.DNA65, loopnest.MapperOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var pb, ab, mb, tb bytes.Buffer
			if err := WriteProblem(&pb, res.Problem); err != nil {
				t.Fatal(err)
			}
			if err := WriteArch(&ab, res.Arch); err != nil {
				t.Fatal(err)
			}
			if err := WriteMapYAML(&mb, res.Problem, res.Mapping); err != nil {
				t.Fatal(err)
			}
			if err := WriteMapTxt(&tb, res.Problem, res.Mapping, &res.Stats); err != nil {
				t.Fatal(err)
			}
			p, err := tlyaml.ReadProblem("prob.yaml", pb.Bytes())
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", df, l.Name, err, pb.String())
			}
			a, err := tlyaml.ReadArch("arch.yaml", ab.Bytes())
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", df, l.Name, err, ab.String())
			}
			m, err := tlyaml.ReadMapYAML("map.yaml", mb.Bytes(), p, a)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", df, l.Name, err, mb.String())
			}
			tm, err := ReadMapTxt("map.txt", tb.Bytes(), p)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", df, l.Name, err, tb.String())
			}
			for _, mm := range []*loopnest.Mapping{m, tm.Mapping} {
				st, err := loopnest.Evaluate(p, mm)
				if err != nil {
					t.Fatal(err)
				}
				var eb loopnest.EnergyBreakdown
				if err := a.Energy(p, st, &eb); err != nil {
					t.Fatal(err)
				}
				if st.Cycles != res.Stats.Cycles || a.Cycles(p, st) != res.Cycles || eb.TotalPJ != res.EnergyPJ {
					t.Errorf("%s %s: read back: cycles %d/%d energy %g; want %d/%d %g", df, l.Name, st.Cycles, a.Cycles(p, st), eb.TotalPJ, res.Stats.Cycles, res.Cycles, res.EnergyPJ)
				}
				for li := range st.Levels {
					if st.Levels[li] != res.Stats.Levels[li] {
						t.Errorf("%s %s: level %d read back as %+v, want %+v", df, l.Name, li, st.Levels[li], res.Stats.Levels[li])
					}
				}
				// The spatial axes survive too.
				for li := range mm.Levels {
					for k, lp := range mm.Levels[li].Spatial {
						if lp.Factor > 1 && !containsLoop(res.Mapping.Levels[li].Spatial, lp) {
							t.Errorf("%s %s: spatial loop %d %+v not in the original", df, l.Name, k, lp)
						}
					}
				}
			}
		}
	}
}

func containsLoop(ls []loopnest.Loop, l loopnest.Loop) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func TestMapTxtErrors(t *testing.T) {
	p, err := tlyaml.ReadProblem("p", readFile(t, filepath.Join("testdata", "tutorial", "04-model-conv1d+oc-3levelspatial", "prob", "conv1d+oc+ic.prob.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	good := string(readFile(t, filepath.Join("testdata", "tutorial", "04-model-conv1d+oc-3levelspatial", "ref-output", "cp", "timeloop-model.map.txt")))
	cases := []struct{ name, src, want string }{
		{"no compute line", good[:strings.Index(good, "|           << Compute >>")], "<< Compute >>"},
		{"spatial Z", strings.Replace(good, "(Spatial-X)", "(Spatial-Z)", 1), "m:4: unexpected \"(Spatial-Z)\""},
		{"residual", strings.Replace(good, "[0:16) (Spatial-X)", "[0:16,3) (Spatial-X)", 1), "m:4: loop bound"},
		{"bad header", "Buffer Weights:1\n", "m:1: expected a level header"},
		{"loop first", "| for C in [0:2)\n", "m:1: a loop before the first level header"},
		{"text after compute", good + "extra\n", "text after"},
		{"temporal after spatial", strings.Replace(good, "| for C in [0:16) (Spatial-X)\n", "| for C in [0:16) (Spatial-X)\n| for K in [0:1)\n", 1), "temporal loop after a spatial loop"},
		{"size not a number", strings.Replace(good, "Weights:192 (192)", "Weights:x (192)", 1), "tile size \"x\""},
	}
	for _, c := range cases {
		_, err := ReadMapTxt("m", []byte(c.src), p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// fuzzSeeds adds the files under testdata (the tutorial's and the
// published CNN data) whose names match one of the patterns.
func fuzzSeeds(f *testing.F, patterns ...string) {
	var all []string
	for _, pattern := range patterns {
		for _, depth := range []string{"*", "*/*", "*/*/*", "*/*/*/*"} {
			m, _ := filepath.Glob(filepath.Join("testdata", depth, pattern))
			all = append(all, m...)
		}
	}
	for _, p := range all {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
}

// The readers never panic; what they accept is valid, and a problem
// written back reads as the same problem.
func FuzzReadTimeloopProblem(f *testing.F) {
	fuzzSeeds(f, "*.prob.yaml", "AlexNet_layer*.yaml", "parsed-processed-input.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := tlyaml.ReadProblem("f", src)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid problem: %v", err)
		}
		var b bytes.Buffer
		if err := WriteProblem(&b, p); err != nil {
			t.Fatal(err)
		}
		back, err := tlyaml.ReadProblem("g", b.Bytes())
		if err != nil {
			t.Fatalf("cannot read back what was written: %v\n%s", err, b.String())
		}
		if !reflect.DeepEqual(back, p) {
			t.Fatalf("written and read back, the problem changed:\n%+v\n%+v\n%s", p, back, b.String())
		}
	})
}

// Accelergy's ERT prices an architecture or is refused with an error.
func FuzzReadTimeloopERT(f *testing.F) {
	fuzzSeeds(f, "*.ERT.yaml")
	base, err := tlyaml.ReadArch("arch", readFile(f, filepath.Join("testdata", "cnn", "eyeriss_like", "arch.yaml")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		a := *base
		a.Levels = slices.Clone(base.Levels)
		if err := (&tlyaml.Files{}).ERT("f", src, &a); err != nil {
			return
		}
		if a.Unpriced != "" || a.MAC.EnergyPJ < 0 {
			t.Fatalf("accepted, but the arch is unpriced (%q) or has a negative MAC energy", a.Unpriced)
		}
	})
}

func FuzzReadTimeloopArch(f *testing.F) {
	fuzzSeeds(f, "*.arch.yaml", "arch.yaml", "parsed-processed-input.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		a, err := tlyaml.ReadArch("f", src)
		if err != nil {
			return
		}
		if len(a.Levels) == 0 {
			t.Fatal("accepted an arch without storage")
		}
	})
}

func FuzzReadTimeloopMapTxt(f *testing.F) {
	fuzzSeeds(f, "timeloop-model.map.txt")
	p, err := tlyaml.ReadProblem("p", []byte(`problem:
  shape:
    dimensions: [ C, K, R, P ]
    data_spaces:
    - name: Weights
      projection:
      - [ [C] ]
      - [ [K] ]
      - [ [R] ]
    - name: Inputs
      projection:
      - [ [C] ]
      - [ [R], [P] ]
    - name: Outputs
      projection:
      - [ [K] ]
      - [ [P] ]
      read_write: True
  instance:
    C: 32
    K: 32
    R: 3
    P: 16
`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tm, err := ReadMapTxt("f", src, p)
		if err != nil {
			return
		}
		if _, err := loopnest.Evaluate(p, tm.Mapping); err != nil {
			t.Fatalf("accepted a mapping the model rejects: %v", err)
		}
	})
}

// Energies a file gives win over the technology's estimates.
func TestArchExplicitEnergyKept(t *testing.T) {
	src := strings.Replace(string(readFile(t, filepath.Join("testdata", "tutorial", "03-model-conv1d+oc-3level", "arch", "3level.arch.yaml"))),
		"      depth: 64\n", "      depth: 64\n      read_energy: 1.5\n      write_energy: 2.5\n", 1)
	a, err := tlyaml.ReadArch("a", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rf, gb := a.Level("RegisterFile"), a.Level("GlobalBuffer")
	if rf.ReadPJ != 1.5 || rf.WritePJ != 2.5 || gb.ReadPJ != 43.35306 || a.MAC.EnergyPJ != 0.845 {
		t.Errorf("RF %g/%g, GB read %g, MAC %g; want 1.5/2.5 from the file, 43.35306 and 0.845 from the tutorial table", rf.ReadPJ, rf.WritePJ, gb.ReadPJ, a.MAC.EnergyPJ)
	}
}

// map.yaml against a published design: a mapping or an error, never a
// panic, and what is accepted evaluates.
func FuzzReadTimeloopMapYAML(f *testing.F) {
	fuzzSeeds(f, "*.map.yaml")
	dir := filepath.Join("testdata", "cnn", "eyeriss_like")
	p, err := tlyaml.ReadProblem("p", readFile(f, filepath.Join(dir, "parsed-processed-input.yaml")))
	if err != nil {
		f.Fatal(err)
	}
	a, err := tlyaml.ReadArch("a", readFile(f, filepath.Join(dir, "arch.yaml")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := tlyaml.ReadMapYAML("f", src, p, a)
		if err != nil {
			return
		}
		if _, err := loopnest.Evaluate(p, m); err != nil {
			t.Fatalf("accepted a mapping that does not evaluate: %v", err)
		}
	})
}
