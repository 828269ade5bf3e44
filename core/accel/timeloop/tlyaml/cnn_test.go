package tlyaml

import (
	"bytes"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop"
)

// cnn is the published Timeloop CNN data (testdata/cnn/SOURCE.md).
var cnn = filepath.Join("..", "testdata", "cnn")

// readProblemFile reads a problem file as dian eval does, includes beside it.
func readProblemFile(t *testing.T, path string) (*loopnest.Problem, []string) {
	t.Helper()
	f := &Files{Include: FromDisk}
	p, err := f.Problem(path, readFile(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return p, f.Notes
}

// Every layer file, in both styles, reads as Timeloop reads it: the
// front end's includes and deep merges applied, the instance's own keys
// winning, every dimension bounded; MACs are the product of the instance's
// dimensions.
func TestLayerShapesRead(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(cnn, "layer_shapes", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	alex, _ := filepath.Glob(filepath.Join(cnn, "layer_shapes", "CONV", "AlexNet", "*.yaml"))
	files = append(files, alex...)
	n := 0
	for _, path := range files {
		if filepath.Base(path) == "problem_base.yaml" {
			continue
		}
		n++
		p, notes := readProblemFile(t, path)
		want := int64(1)
		for _, b := range p.Bounds {
			want *= int64(b)
		}
		if p.MACs() != want || p.MACs() < 1000 {
			t.Errorf("%s: %d MACs, bounds %v", path, p.MACs(), p.Bounds)
		}
		if strings.Contains(path, "resnet18") {
			// Deep merge: the override's C, M, P, Q, R, S over the base's 1s,
			// G (a dimension) from the base.
			if p.DimIndex("G") < 0 || p.Bounds[p.DimIndex("C")] == 1 || p.Bounds[p.DimIndex("G")] != 1 {
				t.Errorf("%s: dims %v bounds %v; want the base's G = 1 and the override's C", path, p.Dims, p.Bounds)
			}
			for _, note := range notes {
				if !strings.Contains(note, "ignored, as Timeloop ignores it") {
					t.Errorf("%s: unexpected note %q", path, note)
				}
			}
		}
	}
	if n != 26 {
		t.Errorf("read %d layer files, want 26 (21 ResNet-18, 5 AlexNet)", n)
	}

	// One layer in detail: resnet18/05 is C64 M128 P28 Q28 R3 S3 with
	// "HStride: 2", which is not Timeloop's coefficient Hstride: the stride
	// stays 1, and the note says so.
	p, notes := readProblemFile(t, filepath.Join(cnn, "layer_shapes", "resnet18", "05.yaml"))
	if got := p.MACs(); got != 64*128*28*28*3*3 {
		t.Errorf("resnet18/05: %d MACs, want %d", got, 64*128*28*28*3*3)
	}
	in := p.DataSpaces[p.DataSpaceIndex("Inputs")]
	if in.Ranks[2][1].Dim != p.DimIndex("P") || in.Ranks[2][1].Coef != 1 || in.Ranks[2][1].CoefName != "Wstride" {
		t.Errorf("resnet18/05 Inputs rank 2: %+v; want [R, Wdilation] + [P, Wstride] with Wstride 1", in.Ranks[2])
	}
	if joined := strings.Join(notes, "\n"); !strings.Contains(joined, "HStride is neither") || !strings.Contains(joined, "did you mean Hstride?") {
		t.Errorf("resnet18/05 notes %q do not point out HStride", notes)
	}
}

// The problems Timeloop itself wrote back for the two published designs
// read with their strides ([P, Wstride] is P·Wstride), and H, W, Hpad,
// Wpad and densities are noted as ignored.
func TestPublishedProblemsRead(t *testing.T) {
	for _, design := range []string{"eyeriss_like", "simple_output_stationary"} {
		p, notes := readProblemFile(t, filepath.Join(cnn, design, "parsed-processed-input.yaml"))
		in := p.DataSpaces[p.DataSpaceIndex("Inputs")]
		var coefs []int
		for _, rank := range in.Ranks {
			for _, term := range rank {
				coefs = append(coefs, term.Coef)
			}
		}
		t.Logf("%s: %s %v = %d MACs; Inputs coefficients %v; %d notes", design, p.Name, p.Bounds, p.MACs(), coefs, len(notes))
		for _, key := range []string{"H ", "Hpad", "densities"} {
			if !strings.Contains(strings.Join(notes, "\n"), "problem.instance."+key) {
				t.Errorf("%s: no note for instance key %s: %q", design, key, notes)
			}
		}
	}
	p, _ := readProblemFile(t, filepath.Join(cnn, "eyeriss_like", "parsed-processed-input.yaml"))
	in := p.DataSpaces[p.DataSpaceIndex("Inputs")]
	if pt := in.Ranks[2][1]; p.Dims[pt.Dim] != "P" || pt.Coef != 2 {
		t.Errorf("eyeriss_like Inputs rank 2 term 2 is %s·%d; want P·2 (Wstride 2)", p.Dims[pt.Dim], pt.Coef)
	}
}

// Both published architectures read from the files as published: the
// !Parallel scratchpads become levels in Timeloop's order (the last child
// innermost), and the constraints are noted as not read.
func TestPublishedArchsRead(t *testing.T) {
	cases := map[string][]string{
		"eyeriss_like":             {"DRAM", "shared_glb", "ifmap_spad", "weights_spad", "psum_spad"},
		"simple_output_stationary": {"DRAM", "shared_glb", "pe_spad", "weight_reg", "input_activation_reg", "output_activation_reg"},
	}
	for design, want := range cases {
		f := &Files{}
		a, err := f.Arch(design, readFile(t, filepath.Join(cnn, design, "arch.yaml")))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range a.Levels {
			got = append(got, l.Name)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: levels %v, want %v", design, got, want)
		}
		if len(f.Notes) == 0 || !strings.Contains(f.Notes[0], "constraints: not read") {
			t.Errorf("%s: notes %q", design, f.Notes)
		}
		t.Logf("%s: %d levels, MAC %s × %d, technology %s", design, len(a.Levels), a.MAC.Name, a.MAC.Instances, a.Technology)
	}
}

// A problem dian writes reads back to the same problem, in Timeloop's
// [Dim, Coef] order with named coefficients: a strided grouped layer.
func TestWrittenProblemReadsBack(t *testing.T) {
	l := accel.Layer{Name: "dw", N: 1, InC: 32, K: 32, Groups: 32, H: 28, W: 28, R: 3, S: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	want := loopnest.ConvProblem(l)
	var b bytes.Buffer
	if err := timeloop.WriteProblem(&b, want); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"[P, Hstride]", "[R, Hdilation]", "{name: Hstride, default: 1}", "Hstride: 2"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the written problem lacks %q:\n%s", s, b.String())
		}
	}
	got, err := ReadProblem("written", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back:\n%+v\nwant\n%+v", got, want)
	}
	// What earlier versions wrote, [2, P], still reads the same.
	old := strings.NewReplacer("[P, Hstride]", "[2, P]", "[Q, Wstride]", "[2, Q]").Replace(b.String())
	if got, err := ReadProblem("old", []byte(old)); err != nil || got.DataSpaces[1].Ranks[3][0].Coef != 2 {
		t.Errorf("the earlier [Coef, Dim] form: %v, %+v", err, got)
	}
}
