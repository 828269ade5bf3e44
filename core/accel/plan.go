package accel

import (
	"fmt"
	"strconv"
)

// AutoNBAChunkName returns the chunk Auto-NBA assigns a layer to:
// "{a|dwa}{0|1}q{bits}", 0 when the output map is at least bigThreshold
// (16 on CIFAR, 28 on ImageNet).
func AutoNBAChunkName(l *NetworkLayer, bigThreshold int) string {
	name := "a"
	if l.Depthwise() {
		name = "dwa"
	}
	if l.P() >= bigThreshold {
		name += "0"
	} else {
		name += "1"
	}
	return name + "q" + strconv.Itoa(l.Bits)
}

// Plan returns, for every layer of net, the index of the chunk of d that
// runs it, or -1 for a layer mode leaves out (the faithful model ignores
// stem, head, skip and fc layers; they need no chunk). The plan depends only
// on the design's chunk names and layer lists, so a search that keeps those
// fixed computes it once and calls EvaluatePlan.
func Plan(d *Design, net *Network, mode Mode) ([]int, error) {
	plan := make([]int, len(net.Layers))
	byName := make(map[string]int, len(d.Chunks))
	for i := range d.Chunks {
		byName[d.Chunks[i].Name] = i
	}
	owner := map[string]int{}
	if d.Assign == "" || d.Assign == AssignExplicit {
		for i := range d.Chunks {
			for _, ln := range d.Chunks[i].Layers {
				if net.Index(ln) < 0 {
					return nil, fmt.Errorf("accel: chunk %q lists layer %q, which network %q does not have", d.Chunks[i].Name, ln, net.Name)
				}
				owner[ln] = i
			}
		}
	}
	for li := range net.Layers {
		l := &net.Layers[li]
		skipped := mode == Faithful && l.RoleOrBody() != RoleBody
		switch d.Assign {
		case AssignAutoNBACIFAR, AssignAutoNBAImageNet:
			thr := 16
			if d.Assign == AssignAutoNBAImageNet {
				thr = 28
			}
			name := AutoNBAChunkName(l, thr)
			ci, ok := byName[name]
			switch {
			case skipped:
				plan[li] = -1
			case !ok:
				return nil, fmt.Errorf("accel: layer %q goes to chunk %q by rule %s, and design %q has no such chunk", l.Name, name, d.Assign, d.Name)
			default:
				plan[li] = ci
			}
		default:
			ci, ok := owner[l.Name]
			switch {
			case skipped:
				plan[li] = -1
			case !ok:
				return nil, fmt.Errorf("accel: layer %q is not assigned to any chunk of design %q", l.Name, d.Name)
			default:
				plan[li] = ci
			}
		}
	}
	return plan, nil
}
