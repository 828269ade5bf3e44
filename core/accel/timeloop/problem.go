package timeloop

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// WriteProblem writes p as a Timeloop v0.4 problem file in Timeloop's
// own form: every coefficient other than 1, and every named one, is
// declared under shape.coefficients and given its value in the instance,
// and terms are [Dim, Coef] ([P, Hstride] is P·Hstride). Unnamed
// coefficients get the names coef2, coef3, … after their values.
func WriteProblem(w io.Writer, p *loopnest.Problem) error {
	names, values := problemCoefs(p)
	var b bytes.Buffer
	b.WriteString("problem:\n  version: 0.4\n  shape:\n")
	if p.Name != "" {
		fmt.Fprintf(&b, "    name: %s\n", yamlName(p.Name, "problem"))
	}
	fmt.Fprintf(&b, "    dimensions: [ %s ]\n", strings.Join(p.Dims, ", "))
	if len(values) > 0 {
		b.WriteString("    coefficients:\n")
		for _, c := range values {
			fmt.Fprintf(&b, "    - {name: %s, default: 1}\n", c.name)
		}
	}
	b.WriteString("    data_spaces:\n")
	for di, ds := range p.DataSpaces {
		fmt.Fprintf(&b, "    - name: %s\n      projection:\n", ds.Name)
		for ri, rank := range ds.Ranks {
			var terms []string
			for ti, t := range rank {
				if n := names[di][ri][ti]; n != "" {
					terms = append(terms, "["+p.Dims[t.Dim]+", "+n+"]")
				} else {
					terms = append(terms, "["+p.Dims[t.Dim]+"]")
				}
			}
			fmt.Fprintf(&b, "      - [ %s ]\n", strings.Join(terms, ", "))
		}
		if ds.ReadWrite {
			b.WriteString("      read_write: True\n")
		}
	}
	b.WriteString("  instance:\n")
	for i, d := range p.Dims {
		fmt.Fprintf(&b, "    %s: %d\n", d, p.Bounds[i])
	}
	for _, c := range values {
		fmt.Fprintf(&b, "    %s: %d\n", c.name, c.value)
	}
	_, err := w.Write(b.Bytes())
	return err
}

type namedCoef struct {
	name  string
	value int
}

// problemCoefs names every term's coefficient as WriteProblem writes it
// (names[data space][rank][term], "" for a plain [Dim]) and lists the
// distinct coefficients in first-use order. A name used with two values
// (possible only in a problem built by hand) gets a suffix for the second.
func problemCoefs(p *loopnest.Problem) (names [][][]string, values []namedCoef) {
	index := map[string]int{} // name → value
	for _, ds := range p.DataSpaces {
		dn := make([][]string, len(ds.Ranks))
		for ri, rank := range ds.Ranks {
			dn[ri] = make([]string, len(rank))
			for ti, t := range rank {
				if t.CoefName == "" && t.Coef == 1 {
					continue
				}
				base := t.CoefName
				if base == "" {
					base = fmt.Sprintf("coef%d", t.Coef)
				}
				name := base
				for k := 2; ; k++ {
					v, seen := index[name]
					if !seen {
						index[name] = t.Coef
						values = append(values, namedCoef{name, t.Coef})
						break
					}
					if v == t.Coef {
						break
					}
					name = fmt.Sprintf("%s_%d", base, k)
				}
				dn[ri][ti] = name
			}
		}
		names = append(names, dn)
	}
	return names, values
}

func yamlName(s, def string) string {
	if s == "" {
		return def
	}
	if strings.ContainsAny(s, ":#[]{},\"'") || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}
