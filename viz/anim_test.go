package viz

import (
	"fmt"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// TestAnimCountersEndOnModel walks every demo layer under every dataflow,
// frame by frame as the view does, and checks that the counters never go
// back and end exactly on the loop-nest model's counts for the layer, which
// are also what the mapper reported for its mapping.
func TestAnimCountersEndOnModel(t *testing.T) {
	for _, name := range []string{"eyeriss", "systolic16"} {
		p, err := accel.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, df := range accel.Dataflows() {
			w := PresetWorkload(p, df)
			for i, spec := range w.Layers {
				t.Run(fmt.Sprintf("%s/%s/%s", name, df, spec.Layer.Name), func(t *testing.T) {
					pr, err := w.Prepare(i)
					if err != nil {
						t.Fatal(err)
					}
					a := pr.Anim
					if a.Counters().Levels[0].DS[loopnest.DSWeights].Reads != 0 {
						t.Fatal("counters are not zero before the first step")
					}
					prev := a.Counters()
					frames := 0
					for !a.Done() {
						if n := a.Advance(7); n == 0 {
							t.Fatalf("Advance took no step at %d of %d", a.Walked(), a.Steps())
						}
						frames++
						cur := a.Counters()
						for li := range cur.Levels {
							for d := 0; d < 3; d++ {
								c, q := cur.Levels[li].DS[d], prev.Levels[li].DS[d]
								if c.Reads < q.Reads || c.Fills < q.Fills || c.Updates < q.Updates {
									t.Fatalf("step %d: %s %d went back: %+v after %+v", a.Walked(), cur.Levels[li].Name, d, c, q)
								}
							}
						}
						prev = cur
					}
					if a.Walked() != a.Model.Cycles || frames != int((a.Model.Cycles+6)/7) {
						t.Errorf("walked %d steps in %d frames; the model has %d cycles", a.Walked(), frames, a.Model.Cycles)
					}
					want, err := loopnest.Evaluate(a.Problem, a.Mapping)
					if err != nil {
						t.Fatal(err)
					}
					got := a.Counters()
					for li := range want.Levels {
						for d := 0; d < 3; d++ {
							g, m := got.Levels[li].DS[d], want.Levels[li].DS[d]
							if g.Reads != m.Reads || g.Fills != m.Fills || g.Updates != m.Updates {
								t.Errorf("%s %s: animation ends on reads %d fills %d updates %d; model %d %d %d",
									want.Levels[li].Name, a.Problem.DataSpaces[d].Name, g.Reads, g.Fills, g.Updates, m.Reads, m.Fills, m.Updates)
							}
						}
					}
					res := pr.Run
					if res.Stats.Cycles != got.Cycles || res.Stats.MACs != got.MACs {
						t.Errorf("mapper reports %d cycles %d MACs, animation %d %d", res.Stats.Cycles, res.Stats.MACs, got.Cycles, got.MACs)
					}
					for li := range res.Stats.Levels {
						if res.Stats.Levels[li].DS != want.Levels[li].DS {
							t.Errorf("level %d: mapper stats differ from the model's for the same mapping", li)
						}
					}
				})
			}
		}
	}
}
