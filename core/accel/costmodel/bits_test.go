package costmodel

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// widthNet is one 3×3 convolution and one 1×1 at the given widths.
func widthNet(bits int) *accel.Network {
	return &accel.Network{Name: fmt.Sprintf("w%d", bits), Layers: []accel.NetworkLayer{
		{Layer: accel.Layer{Name: "conv", N: 1, InC: 16, K: 32, H: 14, W: 14, R: 3, S: 3, PadH: 1, PadW: 1}, Role: accel.RoleBody, Block: "b1", Bits: bits},
		{Layer: accel.Layer{Name: "pw", N: 1, InC: 32, K: 32, H: 14, W: 14, R: 1, S: 1}, Role: accel.RoleBody, Block: "b1", Bits: bits},
	}}
}

// With a precision search every target costs a layer at its own width:
// on an FPGA it runs on the chunk of its width (fewer DSPs per MAC), on
// the one-array targets the array is precision-scalable, so a narrower
// layer's same design costs less energy and no more cycles, and its area
// is the array's.
func TestPlatformSpaceCostsEachLayerAtItsWidth(t *testing.T) {
	for _, name := range []string{"zc706", "eyeriss", "systolic16"} {
		t.Run(name, func(t *testing.T) {
			p, err := accel.Preset(name)
			if err != nil {
				t.Fatal(err)
			}
			space, err := accel.PlatformSpace(p, []int{4, 6, 8})
			if err != nil {
				t.Fatal(err)
			}
			widths := map[int]bool{}
			for _, c := range space.Template.Chunks {
				widths[c.Bits] = true
				if p.Target != accel.FPGA && (!c.Scalable || c.Bits != 8) {
					t.Errorf("chunk %s: %d bits, scalable %v; want a scalable 8-bit array", c.Name, c.Bits, c.Scalable)
				}
			}
			if p.Target == accel.FPGA && (len(space.Template.Chunks) != 12 || !widths[4] || !widths[6] || !widths[8]) {
				t.Errorf("%d chunks at widths %v; want Auto-NBA's four kinds at 4, 6 and 8 bits", len(space.Template.Chunks), widths)
			}
			m, _ := For(p)
			rng := rand.New(rand.NewPCG(1, 2))
			choice := make([]int, len(space.Decisions))
			tried := 0
			for range 200 {
				space.Sample(rng, choice)
				d := &accel.Design{}
				if err := space.Decode(choice, d); err != nil {
					t.Fatal(err)
				}
				if p.Target == accel.FPGA {
					sameTiling(d)
				}
				var costs [2]*accel.NetworkCost
				for i, bits := range []int{4, 8} {
					net := widthNet(bits)
					dd := *d
					dd.Chunks = append([]accel.SubAccel(nil), d.Chunks...)
					accel.AssignAll(&dd, net)
					if costs[i], err = Evaluate(m, &dd, net, p, accel.Corrected); err != nil {
						t.Fatal(err)
					}
				}
				n4, n8 := costs[0], costs[1]
				if !n4.Feasible || !n8.Feasible {
					continue
				}
				tried++
				if !(n4.EnergySum < n8.EnergySum) {
					t.Fatalf("4-bit layers cost %v energy, 8-bit %v: want less", n4.EnergySum, n8.EnergySum)
				}
				if p.Target == accel.FPGA {
					// The same tiling on 4-bit chunks packs two MACs per
					// 8-bit one's DSP share.
					if !(n4.DSP < n8.DSP) {
						t.Fatalf("4-bit chunks take %v DSPs, 8-bit %v: want fewer", n4.DSP, n8.DSP)
					}
					continue
				}
				if n4.Cycles > n8.Cycles || n4.AreaMM2 != n8.AreaMM2 {
					t.Fatalf("4-bit: %v cycles, %v mm²; 8-bit: %v cycles, %v mm² (want no more cycles, the same array)", n4.Cycles, n4.AreaMM2, n8.Cycles, n8.AreaMM2)
				}
			}
			if tried == 0 {
				t.Fatalf("no sampled design ran both networks")
			}
		})
	}
}

// sameTiling gives every 4-bit chunk of an Auto-NBA design the array,
// tiles and order of the 8-bit chunk of its kind, so the two widths differ
// in width alone.
func sameTiling(d *accel.Design) {
	byName := map[string]accel.SubAccel{}
	for _, c := range d.Chunks {
		byName[c.Name] = c
	}
	for i, c := range d.Chunks {
		if c.Bits != 4 {
			continue
		}
		twin := byName[strings.TrimSuffix(c.Name, "q4")+"q8"]
		twin.Name, twin.Bits = c.Name, c.Bits
		d.Chunks[i] = twin
	}
}
