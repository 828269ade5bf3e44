package service

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/scalesim"
	"github.com/dian-explorer/dian/core/accel/timeloop"
)

// exportFiles answers an ExportRequest: the design's chunks run the
// network's layers, and Timeloop's files carry each layer as the
// accelerator view plays it (loopnest.RunLayer with the platform's energy
// table), as `dian export -design` writes them.
func exportFiles(r protocol.ExportRequest) (protocol.ExportReply, error) {
	d, err := accel.DecodeDesign([]byte(r.Design), "design.json")
	if err != nil {
		return protocol.ExportReply{}, err
	}
	net, err := accel.DecodeNetwork([]byte(r.Network), "network.json")
	if err != nil {
		return protocol.ExportReply{}, err
	}
	chunks, err := accel.ChunksFor(d, net, "")
	if err != nil {
		return protocol.ExportReply{}, err
	}
	var ex *accel.Export
	switch r.Format {
	case "timeloop":
		p, _ := accel.Preset(d.Platform) // an unknown platform keeps 45 nm and 128 KiB buffers
		o := timeloop.ExportOptions{Platform: p, Pad: d.Pad, Table: loopnest.TableFor(p), Mapper: loopnest.DesignMapperOptions}
		if len(r.Cycles) > 0 {
			o.SearchModel, o.SearchCycles = accel.CostModelTitle(p.Target), r.Cycles
		}
		ex, err = timeloop.Export(net, chunks, o)
		if err != nil {
			return protocol.ExportReply{}, err
		}
	case "scalesim":
		if ex, err = scalesim.Export(net, chunks, ""); err != nil {
			return protocol.ExportReply{}, err
		}
	default:
		return protocol.ExportReply{}, fmt.Errorf("worker: export format %q (accepted: timeloop, scalesim)", r.Format)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := append([]accel.ExportFile{{Name: "README.csv", Data: ex.Table}}, ex.Files...)
	for _, f := range files {
		// A zero Modified time keeps the archive the same for the same design.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: r.Format + "/" + f.Name, Method: zip.Deflate})
		if err != nil {
			return protocol.ExportReply{}, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return protocol.ExportReply{}, err
		}
	}
	if err := zw.Close(); err != nil {
		return protocol.ExportReply{}, err
	}
	return protocol.ExportReply{Type: "export", ID: r.ID, Name: "dian-" + r.Format + ".zip", Zip: buf.Bytes(), Table: string(ex.Table)}, nil
}
