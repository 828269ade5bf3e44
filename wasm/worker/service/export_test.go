package service

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/wasm/protocol"

	"github.com/vmihailenco/msgpack/v5"
)

func TestExport(t *testing.T) {
	design, network := exportFixture(t)
	for _, tt := range []struct {
		format string
		want   []string // file name suffixes that must be in the archive
	}{
		{"timeloop", []string{"README.md", "README.csv", ".prob.yaml", ".map.yaml", ".map.txt", ".yaml"}},
		{"scalesim", []string{"README.md", "README.csv", ".cfg", ".csv"}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			req := mustMarshal(t, protocol.ExportRequest{Type: "export", ID: 9, Format: tt.format, Design: string(design), Network: string(network)})
			var reply protocol.ExportReply
			if err := msgpack.Unmarshal(Answer(req), &reply); err != nil || reply.Type != "export" || reply.ID != 9 {
				var e protocol.Error
				msgpack.Unmarshal(Answer(req), &e)
				t.Fatalf("reply %+v (%v), error %q", reply.Type, err, e.Message)
			}
			zr, err := zip.NewReader(bytes.NewReader(reply.Zip), int64(len(reply.Zip)))
			if err != nil {
				t.Fatal(err)
			}
			for _, suffix := range tt.want {
				found := false
				for _, f := range zr.File {
					found = found || (strings.HasPrefix(f.Name, tt.format+"/") && strings.HasSuffix(f.Name, suffix))
				}
				if !found {
					t.Errorf("no %s file in %s", suffix, reply.Name)
				}
			}
			// The archive says how to run the tool on it.
			run := map[string]string{"timeloop": "timeloop-model arch-", "scalesim": "python3 -m scalesim.scale -c scale-"}[tt.format]
			for _, f := range zr.File {
				if f.Name != tt.format+"/README.md" {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				if !strings.Contains(string(b), run) {
					t.Errorf("%s/README.md does not say how to run the tool (%q)", tt.format, run)
				}
			}
			if !strings.HasPrefix(reply.Table, "layer,chunk,") {
				t.Errorf("table %q", reply.Table)
			}
			again := Answer(req)
			var second protocol.ExportReply
			msgpack.Unmarshal(again, &second)
			if !bytes.Equal(second.Zip, reply.Zip) {
				t.Error("the same export gave a different archive")
			}
		})
	}
	bad := mustMarshal(t, protocol.ExportRequest{Type: "export", ID: 3, Format: "gem5", Design: string(design), Network: string(network)})
	var e protocol.Error
	if err := msgpack.Unmarshal(Answer(bad), &e); err != nil || e.ID != 3 || !strings.Contains(e.Message, "timeloop, scalesim") {
		t.Errorf("unknown format: %+v", e)
	}
	broken := mustMarshal(t, protocol.ExportRequest{Type: "export", ID: 4, Format: "timeloop", Design: "{", Network: string(network)})
	if err := msgpack.Unmarshal(Answer(broken), &e); err != nil || e.ID != 4 || !strings.Contains(e.Message, "design.json") {
		t.Errorf("broken design: %+v", e)
	}
}

// A model dropped on the page is read, given its best accelerator and
// costed layer by layer; a file that is no model is refused by name.
func TestCostONNXModel(t *testing.T) {
	model, err := os.ReadFile(filepath.Join(repoRoot, "core", "accel", "onnx", "testdata", "mobilenetv2_tiny.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := msgpack.Marshal(protocol.CostRequest{Type: "cost", ID: 3, Name: "mobilenetv2_tiny.onnx", Model: model, Platform: "eyeriss"})
	var reply protocol.CostReply
	if err := msgpack.Unmarshal(Answer(b), &reply); err != nil {
		t.Fatal(err)
	}
	res, err := report.ParseResult([]byte(reply.JSON))
	if err != nil {
		t.Fatalf("reply %+v: %v", reply, err)
	}
	if reply.ID != 3 || reply.Layers != 20 || reply.MACs != 742656 || res.Accelerator == nil || len(res.Layers) != 20 || res.Metrics.FPS <= 0 {
		t.Errorf("reply: id %d, %d layers, %d MACs; result with %d cost rows at %g FPS", reply.ID, reply.Layers, reply.MACs, len(res.Layers), res.Metrics.FPS)
	}
	b, _ = msgpack.Marshal(protocol.CostRequest{Type: "cost", ID: 4, Name: "notes.onnx", Model: []byte("not a model"), Platform: "eyeriss"})
	var e protocol.Error
	if err := msgpack.Unmarshal(Answer(b), &e); err != nil || e.Type != "error" || !strings.Contains(e.Message, "notes.onnx") {
		t.Errorf("a file that is no model: %+v %v", e, err)
	}
}

// The page sends the result's per-layer cycles with a Timeloop export; the
// table carries them, named by the search's model, beside the loop-nest
// model's. A count that does not match the network is refused.
func TestExportCarriesTheSearchFigures(t *testing.T) {
	design, network := exportFixture(t)
	net, err := accel.DecodeNetwork(network, "net")
	if err != nil {
		t.Fatal(err)
	}
	cycles := make([]float64, len(net.Layers))
	for i := range cycles {
		cycles[i] = float64(1000 + i)
	}
	req := protocol.ExportRequest{Type: "export", Format: "timeloop", Design: string(design), Network: string(network), Cycles: cycles}
	reply, err := exportFiles(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(reply.Table), "\n")
	if !strings.HasSuffix(lines[0], ",search_model,search_cycles") {
		t.Fatalf("header %q has no search columns", lines[0])
	}
	for i, ln := range lines[1:] {
		if want := fmt.Sprintf(",FPGA chunk model,%d", 1000+i); !strings.HasSuffix(ln, want) {
			t.Errorf("row %q does not end with %q", ln, want)
		}
	}
	req.Cycles = cycles[1:]
	if _, err := exportFiles(req); err == nil || !strings.Contains(err.Error(), "search figures") {
		t.Errorf("a short list of cycles: %v", err)
	}
}

// exportFixture is a design and network of the accelerator packages'
// tests: Auto-NBA's CIFAR chunks running a tiny CIFAR network.
func exportFixture(t *testing.T) (design, network []byte) {
	t.Helper()
	design, err := os.ReadFile("../../../core/accel/testdata/design_autonba_cifar.json")
	if err != nil {
		t.Fatal(err)
	}
	network, err = os.ReadFile("../../../core/accel/testdata/net_cifar_tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	return design, network
}
