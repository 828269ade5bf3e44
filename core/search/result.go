package search

import (
	"encoding/json"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/supernet"
)

// networkResult describes path at widths w in space.
func networkResult(space supernet.Space, path supernet.Path, w supernet.Widths) report.NetworkResult {
	nr := report.NetworkResult{Ops: path.Names(space.Ops), Bits: w}
	net := space.Network(path, w)
	if b, err := net.MarshalJSON(); err == nil {
		var file struct {
			Layers json.RawMessage `json:"layers"`
		}
		if json.Unmarshal(b, &file) == nil {
			nr.Layers = file.Layers
		}
	}
	for _, l := range net.Layers {
		nr.MACs += l.MACs()
		nr.Params += int64(l.R*l.S*l.C()) * int64(l.K)
	}
	for bi, b := range space.Blocks {
		br := report.BlockResult{Name: b.Name, Op: space.Ops[path[bi]].Name, In: b.In, Out: b.Out, Stride: b.Stride, H: b.H, W: b.W}
		for _, l := range net.Layers {
			if l.Block == b.Name {
				br.MACs += l.MACs()
			}
		}
		nr.Blocks = append(nr.Blocks, br)
	}
	return nr
}

func (r *runner) fillResult(res *report.Result, path supernet.Path, w supernet.Widths, choice []int, acc float64) error {
	res.Network = networkResult(r.space, path, w)
	res.Metrics.Accuracy = acc
	if choice == nil {
		return nil // no feasible accelerator: metrics stay zero, Feasible false
	}
	if err := r.hw.Bind(r.space.Network(path, w)); err != nil {
		return err
	}
	d, c, err := r.hw.Evaluate(choice)
	if err != nil {
		return err
	}
	res.Accelerator = d
	res.Metrics = report.MetricsOf(c, acc)
	res.Layers = c.Layers
	if w != nil {
		net := r.space.Network(path, w)
		for i := range res.Layers {
			res.Layers[i].WBits, res.Layers[i].ABits = net.Layers[i].Bits, net.Layers[i].Bits
		}
	}
	return nil
}
