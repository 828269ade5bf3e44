package accel

import (
	"fmt"
)

// ExportFile is one file of an export to another tool's formats.
type ExportFile struct {
	Name string
	Data []byte
}

// Export is what timeloop.Export and scalesim.Export produce: the files, in a
// fixed order, and a CSV table with one row per exported layer saying
// which files describe it.
type Export struct {
	Files []ExportFile
	Table []byte
}

// ChunksFor returns, for every layer of net, the sub-accelerator of d that
// runs it: the chunk named chunk for all of them when chunk is not empty,
// else the chunk d's assignment gives each layer.
func ChunksFor(d *Design, net *Network, chunk string) ([]*SubAccel, error) {
	chunks := make([]*SubAccel, len(net.Layers))
	if chunk != "" {
		for i := range d.Chunks {
			if d.Chunks[i].Name == chunk {
				for j := range chunks {
					chunks[j] = &d.Chunks[i]
				}
				return chunks, nil
			}
		}
		return nil, fmt.Errorf("accel: design %q has no chunk %q", d.Name, chunk)
	}
	plan, err := Plan(d, net, Corrected)
	if err != nil {
		return nil, err
	}
	for i, ci := range plan {
		if ci < 0 {
			return nil, fmt.Errorf("accel: design %q runs no chunk for layer %q; name one", d.Name, net.Layers[i].Name)
		}
		chunks[i] = &d.Chunks[ci]
	}
	return chunks, nil
}

// PresetChunk is the single array of a platform preset with dataflow df:
// its rows × cols PEs, 16-bit words, its global buffer and, on an ASIC,
// Eyeriss' 0.5 KB of scratchpads per PE.
func PresetChunk(p Platform, df Dataflow) *SubAccel {
	c := &SubAccel{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Dataflow: df, Bits: 16, GBBytes: int64(p.GlobalBufferBytes)}
	if p.Target == ASIC {
		c.RFBytes = 512
	}
	return c
}

// FileSafe maps a layer or chunk name to a file name: letters, digits,
// '.', '-' and '_' stay, anything else becomes '_'.
func FileSafe(s string) string {
	out := []byte(s)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			out[i] = '_'
		}
	}
	if len(out) == 0 {
		return "layer"
	}
	return string(out)
}

// Buffer sizes a platform's default array has where the platform leaves
// them open: Eyeriss' register file per PE and a 128 KiB global buffer.
const (
	DefaultRFBytes = 512
	DefaultGBBytes = 128 << 10
)

// BoundedChunk returns c with its unbounded buffers (0 bytes, as the FPGA
// chunk model leaves them) sized as platform p's default array's: a
// DefaultRFBytes register file per PE and p's global buffer
// (DefaultGBBytes when p leaves it open). The loop-nest model and Timeloop
// price a buffer by its size, so they need one.
func BoundedChunk(p Platform, c SubAccel) SubAccel {
	if c.RFBytes == 0 {
		c.RFBytes = DefaultRFBytes
	}
	if c.GBBytes == 0 {
		c.GBBytes = int64(p.GlobalBufferBytes)
		if c.GBBytes == 0 {
			c.GBBytes = DefaultGBBytes
		}
	}
	return c
}
