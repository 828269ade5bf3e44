package systolic

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// systolicRefLayer is a layer of the accuracy table.
type systolicRefLayer struct {
	net  string
	conv Conv
}

func systolicTestConv(t testing.TB, l accel.Layer) Conv {
	c, _, err := ConvOf(l)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// systolicRefLayers are the layers the model is checked on: AlexNet as
// SCALE-Sim's own topologies/conv_nets/alexnet.csv gives it (224 input, so
// conv1's last windows run past the edge), ResNet-18/50 and MobileNetV2
// layers with their padding, MobileNetV2 depthwise as one channel (SCALE-Sim
// runs a depthwise layer as that, once per channel), and small CIFAR and
// MNIST layers.
func systolicRefLayers(t testing.TB) []systolicRefLayer {
	L := func(name string, c, k, hw, rs, stride, pad int) accel.Layer {
		return accel.Layer{Name: name, N: 1, InC: c, K: k, H: hw, W: hw, R: rs, S: rs, StrideH: stride, StrideW: stride, PadH: pad, PadW: pad}
	}
	dw := func(name string, c, hw, stride int) accel.Layer {
		l := L(name, c, c, hw, 3, stride, 1)
		l.Groups = c
		return l
	}
	var out []systolicRefLayer
	add := func(net string, l accel.Layer) { out = append(out, systolicRefLayer{net, systolicTestConv(t, l)}) }
	out = append(out,
		systolicRefLayer{"alexnet", ScaleSimConv("Conv1", 224, 224, 11, 11, 3, 96, 4, 4)},
		systolicRefLayer{"alexnet", ScaleSimConv("Conv2", 27, 27, 5, 5, 96, 256, 1, 1)},
		systolicRefLayer{"alexnet", ScaleSimConv("Conv3", 13, 13, 3, 3, 256, 384, 1, 1)},
		systolicRefLayer{"alexnet", ScaleSimConv("Conv5", 13, 13, 3, 3, 384, 256, 1, 1)},
	)
	add("resnet18", L("conv1", 3, 64, 224, 7, 2, 3))
	add("resnet18", L("layer1.conv", 64, 64, 56, 3, 1, 1))
	add("resnet18", L("layer3.down", 128, 256, 28, 1, 2, 0))
	add("resnet18", L("layer4.conv", 512, 512, 7, 3, 1, 1))
	add("resnet50", L("layer1.reduce", 256, 64, 56, 1, 1, 0))
	add("resnet50", L("layer2.conv", 128, 128, 28, 3, 1, 1))
	add("resnet50", L("layer4.expand", 512, 2048, 7, 1, 1, 0))
	add("mobilenetv2", L("stem", 3, 32, 224, 3, 2, 1))
	add("mobilenetv2", dw("b1.dw", 32, 112, 1))
	add("mobilenetv2", dw("b2.dw", 96, 112, 2))
	add("mobilenetv2", L("b2.expand", 16, 96, 112, 1, 1, 0))
	add("mobilenetv2", L("b16.project", 960, 160, 7, 1, 1, 0))
	add("mobilenetv2", L("head", 320, 1280, 7, 1, 1, 0))
	add("cifar", L("conv1", 3, 16, 32, 3, 1, 1))
	add("cifar", L("conv2", 16, 32, 16, 3, 1, 1))
	add("cifar", dw("dw", 32, 16, 2))
	add("mnist", L("lenet.c1", 1, 6, 28, 5, 1, 0))
	add("mnist", L("lenet.c2", 6, 16, 14, 5, 1, 0))
	add("mnist", L("lenet.fc1", 400, 120, 1, 1, 1, 0))
	return out
}

func systolicPctErr(model, ref int64) float64 {
	if ref == 0 {
		if model == 0 {
			return 0
		}
		return 100
	}
	return 100 * float64(model-ref) / float64(ref)
}

var (
	systolicTable = flag.String("systolic.table", "", "write the model-vs-reference table as Markdown to this `file`")
	systolicFull  = flag.Bool("systolic.full", false, "check the model on every layer of the table, big ones included (minutes), with its production walk budget")
)

// systolicRefBudget bounds the demand-matrix entries one reference run may
// build: by default the table runs in about ten seconds, -short in about
// one, -systolic.full in minutes. Which runs fit is decided by the shapes
// alone, so the table is the same on every machine.
func systolicRefBudget() int64 {
	switch {
	case *systolicFull:
		return 6e7
	case testing.Short():
		return 1e6
	}
	return 6e6
}

// TestSystolicMatchesReference checks the model against the reference
// simulation on every layer of systolicRefLayers, on 8×8, 16×16, 32×32 and
// 8×32 arrays, all three dataflows, with 64 KB (SCALE-Sim's example
// config) and 8 KB SRAMs: cycles, SRAM counts, filter DRAM reads and OFMAP
// DRAM writes must be equal, ifmap DRAM reads within 5% (and the percentages
// bit-identical to the reference's arithmetic).
//
// Without -systolic.full the model's exact ifmap walk is cut to 4096
// accesses, so on these small layers it extrapolates over column folds as
// it does on big layers in production; the 5% bound then checks that
// extrapolation.
func TestSystolicMatchesReference(t *testing.T) {
	if !*systolicFull {
		defer func(b int64) { walkBudget = b }(walkBudget)
		walkBudget = 4096
	}
	var table strings.Builder
	table.WriteString("| net | layer | array | df | SRAM KB | cycles | SRAM ifmap | SRAM filter | SRAM ofmap | DRAM ifmap model | DRAM ifmap ref | err % | DRAM filter | DRAM ofmap | PE-level |\n")
	table.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	runs, peRuns, worst := 0, 0, 0.0
	for _, rl := range systolicRefLayers(t) {
		for _, shape := range [][2]int{{8, 8}, {16, 16}, {32, 32}, {8, 32}} {
			for _, df := range []accel.Dataflow{accel.OutputStationary, accel.WeightStationary, accel.InputStationary} {
				for _, kb := range []int{64, 8} {
					a := Array{Rows: shape[0], Cols: shape[1], Dataflow: df, IfmapSRAMKB: kb, FilterSRAMKB: kb, OfmapSRAMKB: kb}
					st, err := a.Evaluate(rl.conv)
					if err != nil {
						t.Fatalf("Evaluate(%s on %+v): %v", rl.conv.Name, a, err)
					}
					if st.Cycles*int64(2*a.Rows+a.Cols) > systolicRefBudget() {
						continue
					}
					peLevel := st.Cycles*int64(a.Rows*a.Cols) <= systolicRefBudget()
					ref := simulate(t, a, rl.conv, peLevel)
					runs++
					if peLevel {
						peRuns++
						if ref.macs != st.MACs {
							t.Errorf("%s %s %v: PEs did %d MACs, model %d", rl.net, rl.conv.Name, a, ref.macs, st.MACs)
						}
					}
					name := fmt.Sprintf("%s/%s %dx%d %s %dKB", rl.net, rl.conv.Name, a.Rows, a.Cols, df, kb)
					for _, c := range []struct {
						what       string
						model, ref int64
					}{
						{"cycles", st.Cycles, ref.lines},
						{"TotalCycles", st.TotalCycles, ref.lines - 1},
						{"SRAM ifmap reads", st.SRAMIfmapReads, ref.sramIfmap},
						{"SRAM filter reads", st.SRAMFilterReads, ref.sramFilter},
						{"SRAM ofmap writes", st.SRAMOfmapWrites, ref.sramOfmap},
						{"DRAM filter reads", st.DRAMFilterReads, ref.dramFilter},
						{"DRAM ofmap writes", st.DRAMOfmapWrites, ref.dramOfmap},
					} {
						if c.model != c.ref {
							t.Errorf("%s: %s = %d, reference %d", name, c.what, c.model, c.ref)
						}
					}
					e := systolicPctErr(st.DRAMIfmapReads, ref.dramIfmap)
					worst = max(worst, math.Abs(e))
					if math.Abs(e) > 5 {
						t.Errorf("%s: DRAM ifmap reads = %d, reference %d (%.2f%%, want within 5%%)", name, st.DRAMIfmapReads, ref.dramIfmap, e)
					}
					if want := float64(ref.macs*100) / float64((ref.lines-1)*int64(a.Rows*a.Cols)); peLevel && st.OverallUtilPct != want {
						t.Errorf("%s: OverallUtilPct = %v, reference %v", name, st.OverallUtilPct, want)
					}
					fmt.Fprintf(&table, "| %s | %s | %dx%d | %s | %d | %d | %d | %d | %d | %d | %d | %.3f | %d | %d | %v |\n",
						rl.net, rl.conv.Name, a.Rows, a.Cols, df, kb, st.Cycles, st.SRAMIfmapReads, st.SRAMFilterReads, st.SRAMOfmapWrites,
						st.DRAMIfmapReads, ref.dramIfmap, e, st.DRAMFilterReads, st.DRAMOfmapWrites, peLevel)
				}
			}
		}
	}
	t.Logf("%d runs (%d moved operands through the PEs); worst DRAM ifmap error %.3f%%", runs, peRuns, worst)
	if *systolicTable != "" {
		if err := os.WriteFile(*systolicTable, []byte(table.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
