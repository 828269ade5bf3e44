package protocol

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/scalesim"
	"github.com/dian-explorer/dian/core/accel/timeloop"
)

// ExportRequest asks for a found design and network in Timeloop's or
// SCALE-Sim's formats, as `dian export` writes them.
type ExportRequest struct {
	Type    string `msgpack:"type"` // "export"
	ID      int64  `msgpack:"id"`
	Format  string `msgpack:"format"`  // timeloop or scalesim
	Design  string `msgpack:"design"`  // the result's accelerator (design JSON)
	Network string `msgpack:"network"` // the result's network (network JSON)
}

// ExportReply carries the exported files as one zip archive.
type ExportReply struct {
	Type  string `msgpack:"type"` // "export"
	ID    int64  `msgpack:"id"`
	Name  string `msgpack:"name"`  // a file name for the archive, e.g. dian-timeloop.zip
	Zip   []byte `msgpack:"zip"`   // the files, and README.csv with one row per layer
	Table string `msgpack:"table"` // that CSV
}

// exportFiles answers an ExportRequest: the design's chunks run the
// network's layers, Timeloop's files come from the mapper with the 45 nm
// table (65 nm on a 65 nm platform) and the EDP objective, as `dian export`
// does by default.
func exportFiles(r ExportRequest) (ExportReply, error) {
	d, err := accel.DecodeDesign([]byte(r.Design), "design.json")
	if err != nil {
		return ExportReply{}, err
	}
	net, err := accel.DecodeNetwork([]byte(r.Network), "network.json")
	if err != nil {
		return ExportReply{}, err
	}
	chunks, err := accel.ChunksFor(d, net, "")
	if err != nil {
		return ExportReply{}, err
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
			return ExportReply{}, err
		}
		ex, err = timeloop.Export(net, chunks, table, loopnest.MapperOptions{Objective: loopnest.MinEDP}, "")
		if err != nil {
			return ExportReply{}, err
		}
	case "scalesim":
		if ex, err = scalesim.Export(net, chunks, ""); err != nil {
			return ExportReply{}, err
		}
	default:
		return ExportReply{}, fmt.Errorf("worker: export format %q (accepted: timeloop, scalesim)", r.Format)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := append([]accel.ExportFile{{Name: "README.csv", Data: ex.Table}}, ex.Files...)
	for _, f := range files {
		// A zero Modified time keeps the archive the same for the same design.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: r.Format + "/" + f.Name, Method: zip.Deflate})
		if err != nil {
			return ExportReply{}, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return ExportReply{}, err
		}
	}
	if err := zw.Close(); err != nil {
		return ExportReply{}, err
	}
	return ExportReply{Type: "export", ID: r.ID, Name: "dian-" + r.Format + ".zip", Zip: buf.Bytes(), Table: string(ex.Table)}, nil
}
