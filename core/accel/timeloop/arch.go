package timeloop

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// WriteArch writes a as a Timeloop v0.4 architecture file, with its
// energies as explicit attributes so that reading it back prices it the same.
func WriteArch(w io.Writer, a *loopnest.Arch) error {
	var b bytes.Buffer
	b.WriteString("architecture:\n  version: 0.4\n  nodes:\n")
	fmt.Fprintf(&b, "  - !Container\n    name: %s\n    attributes:\n      technology: %q\n", yamlName(a.Name, "system"), a.Technology)
	prev := int64(1)
	for _, l := range a.Levels {
		if int64(l.Instances) > prev {
			mx, my := l.MeshX, l.MeshY
			if int64(mx*my)*prev != int64(l.Instances) {
				mx, my = int(int64(l.Instances)/prev), 1
			}
			fmt.Fprintf(&b, "  - !Container\n    name: %s_array\n    spatial: {meshX: %d, meshY: %d}\n", l.Name, mx, my)
			prev = int64(l.Instances)
		}
		fmt.Fprintf(&b, "  - !Component\n    name: %s\n    class: %s\n    attributes:\n", l.Name, l.Class)
		if l.Depth > 0 {
			fmt.Fprintf(&b, "      depth: %d\n", l.Depth)
		}
		fmt.Fprintf(&b, "      width: %d\n      datawidth: %d\n", l.Width, l.DataWidth)
		fmt.Fprintf(&b, "      read_energy: %s\n      write_energy: %s\n", fmtFloat(l.ReadPJ), fmtFloat(l.WritePJ))
		if l.NetworkPJ != 0 {
			fmt.Fprintf(&b, "      network_energy: %s\n", fmtFloat(l.NetworkPJ))
		}
		if l.Bandwidth != 0 {
			fmt.Fprintf(&b, "      bandwidth: %s\n", fmtFloat(l.Bandwidth))
		}
	}
	if int64(a.MAC.Instances) > prev {
		fmt.Fprintf(&b, "  - !Container\n    name: mac_array\n    spatial: {meshX: %d}\n", int64(a.MAC.Instances)/prev)
	}
	fmt.Fprintf(&b, "  - !Component\n    name: %s\n    class: %s\n    attributes:\n      width: %d\n      energy: %s\n",
		yamlName(a.MAC.Name, "MACC"), a.MAC.Class, a.MAC.Width, fmtFloat(a.MAC.EnergyPJ))
	_, err := w.Write(b.Bytes())
	return err
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
