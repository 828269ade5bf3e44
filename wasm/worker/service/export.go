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
// network's layers, Timeloop's files come from the mapper with the 45 nm
// table (65 nm on a 65 nm platform) and the EDP objective, as `dian export`
// does by default.
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
		tech := "45nm"
		if p, err := accel.Preset(d.Platform); err == nil && p.TechNM == 65 {
			tech = "65nm"
		}
		table, err := loopnest.EnergyTableFor(tech)
		if err != nil {
			return protocol.ExportReply{}, err
		}
		ex, err = timeloop.Export(net, chunks, table, loopnest.MapperOptions{Objective: loopnest.MinEDP}, "")
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
