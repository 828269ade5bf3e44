package scalesim

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// Config is a SCALE-Sim .cfg file.
type Config struct {
	RunName string
	// Array holds ArrayHeight, ArrayWidth, the three SRAM sizes and Dataflow.
	Array systolic.Array
	// Address offsets of the three operands (SCALE-Sim's traces use them;
	// the counts do not depend on them).
	IfmapOffset, FilterOffset, OfmapOffset int64
	// UserBandwidth is InterfaceBandwidth: USER (a fixed DRAM bandwidth,
	// Bandwidths words per cycle); false is CALC, SCALE-Sim's default.
	UserBandwidth bool
	Bandwidths    []int
	// TopologyPath is [network_presets] TopologyCsvLoc, if present.
	TopologyPath string
}

// Error is a problem with a SCALE-Sim input file: which file, line
// (0 when the problem is a missing key or section) and field, and why.
type Error struct {
	File  string
	Line  int
	Field string
	Err   string
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("scalesim: %s: %s: %s", where, e.Field, e.Err)
	}
	return fmt.Sprintf("scalesim: %s: %s", where, e.Err)
}

// maxFile bounds the input files we read; SCALE-Sim configs are
// under a kilobyte and the largest public topologies a few kilobytes.
const maxFile = 4 << 20

// iniValue is one key of a configparser file and the line it started on.
type iniValue struct {
	value string
	line  int
}

// parseINI reads the subset of Python configparser's default dialect that
// SCALE-Sim configs use: [section] headers, "key = value" or "key: value",
// keys case-insensitive, whole-line # and ; comments, indented lines
// continuing the previous value. Duplicate sections or keys are errors, as
// configparser's strict mode makes them.
func parseINI(data []byte, file string) (map[string]map[string]iniValue, error) {
	sections := map[string]map[string]iniValue{}
	var cur map[string]iniValue
	var curSection, lastKey string
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		raw = strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			if trimmed == "" {
				lastKey = ""
			}
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if lastKey != "" {
				v := cur[lastKey]
				v.value = strings.TrimSpace(v.value + "\n" + trimmed)
				cur[lastKey] = v
				continue
			}
		}
		if trimmed[0] == '[' {
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, &Error{file, line, "", fmt.Sprintf("section header %q has no closing ]", trimmed)}
			}
			curSection = trimmed[1:end]
			if _, dup := sections[curSection]; dup {
				return nil, &Error{file, line, "", fmt.Sprintf("section [%s] appears twice", curSection)}
			}
			cur = map[string]iniValue{}
			sections[curSection] = cur
			lastKey = ""
			continue
		}
		if cur == nil {
			return nil, &Error{file, line, "", fmt.Sprintf("%q comes before any [section] header", trimmed)}
		}
		sep := strings.IndexAny(trimmed, "=:")
		if sep <= 0 {
			return nil, &Error{file, line, "", fmt.Sprintf("%q is not a \"key = value\" or \"key: value\" line", trimmed)}
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:sep]))
		if _, dup := cur[key]; dup {
			return nil, &Error{file, line, key, fmt.Sprintf("key appears twice in [%s]", curSection)}
		}
		cur[key] = iniValue{strings.TrimSpace(trimmed[sep+1:]), line}
		lastKey = key
	}
	return sections, nil
}

// ParseConfig reads a SCALE-Sim config. It needs what SCALE-Sim's
// read_conf_file needs: [general] run_name; [run_presets]
// InterfaceBandwidth (USER or CALC); [architecture_presets] ArrayHeight,
// ArrayWidth, IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB, IfmapOffset,
// FilterOffset, OfmapOffset, Dataflow (os, ws or is), and Bandwidth in USER
// mode. Other keys and sections (sparsity, layouts, memory banks) are
// accepted and ignored. file names the input in errors.
func ParseConfig(data []byte, file string) (*Config, error) {
	if len(data) > maxFile {
		return nil, &Error{file, 0, "", fmt.Sprintf("%d bytes is larger than the %d accepted", len(data), maxFile)}
	}
	ini, err := parseINI(data, file)
	if err != nil {
		return nil, err
	}
	get := func(section, key string) (iniValue, error) {
		s, ok := ini[section]
		if !ok {
			return iniValue{}, &Error{file, 0, "", fmt.Sprintf("section [%s] is missing", section)}
		}
		v, ok := s[strings.ToLower(key)]
		if !ok {
			return iniValue{}, &Error{file, 0, key, fmt.Sprintf("missing from [%s]", section)}
		}
		return v, nil
	}
	integer := func(section, key string, lo, hi int64) (int64, error) {
		v, err := get(section, key)
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseInt(v.value, 10, 64)
		if err != nil || n < lo || n > hi {
			return 0, &Error{file, v.line, key, fmt.Sprintf("%q is not an integer in [%d, %d]", v.value, lo, hi)}
		}
		return n, nil
	}
	c := &Config{}
	v, err := get("general", "run_name")
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(v.value, "\n\"") {
		return nil, &Error{file, v.line, "run_name", "must be one line without quotes"}
	}
	c.RunName = v.value
	if v, err = get("run_presets", "InterfaceBandwidth"); err != nil {
		return nil, err
	}
	switch v.value {
	case "USER":
		c.UserBandwidth = true
	case "CALC":
	default:
		return nil, &Error{file, v.line, "InterfaceBandwidth", fmt.Sprintf("%q is not USER or CALC", v.value)}
	}
	const arch = "architecture_presets"
	dims := []struct {
		key string
		dst *int
		max int64
	}{
		{"ArrayHeight", &c.Array.Rows, systolic.MaxSide}, {"ArrayWidth", &c.Array.Cols, systolic.MaxSide},
		{"IfmapSramSzkB", &c.Array.IfmapSRAMKB, systolic.MaxKB}, {"FilterSramSzkB", &c.Array.FilterSRAMKB, systolic.MaxKB},
		{"OfmapSramSzkB", &c.Array.OfmapSRAMKB, systolic.MaxKB},
	}
	for _, d := range dims {
		n, err := integer(arch, d.key, 1, d.max)
		if err != nil {
			return nil, err
		}
		*d.dst = int(n)
	}
	for _, o := range []struct {
		key string
		dst *int64
	}{{"IfmapOffset", &c.IfmapOffset}, {"FilterOffset", &c.FilterOffset}, {"OfmapOffset", &c.OfmapOffset}} {
		if *o.dst, err = integer(arch, o.key, 0, 1<<62); err != nil {
			return nil, err
		}
	}
	if v, err = get(arch, "Dataflow"); err != nil {
		return nil, err
	}
	switch v.value {
	case "os", "ws", "is":
		c.Array.Dataflow, _ = accel.ParseDataflow(v.value)
	default:
		return nil, &Error{file, v.line, "Dataflow", fmt.Sprintf("%q is not one of os, ws, is", v.value)}
	}
	if c.UserBandwidth {
		if v, err = get(arch, "Bandwidth"); err != nil {
			return nil, err
		}
		for _, f := range strings.Split(v.value, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 1<<20 {
				return nil, &Error{file, v.line, "Bandwidth", fmt.Sprintf("%q is not a comma-separated list of integers in [1, %d] (words per cycle)", v.value, 1<<20)}
			}
			c.Bandwidths = append(c.Bandwidths, n)
		}
	}
	if s, ok := ini["network_presets"]; ok {
		if v, ok := s["topologycsvloc"]; ok {
			c.TopologyPath = strings.Trim(v.value, `"`)
			if strings.ContainsAny(c.TopologyPath, "\n\"") {
				return nil, &Error{file, v.line, "TopologyCsvLoc", "must be one quoted path on one line"}
			}
		}
	}
	return c, nil
}

// ReadConfig reads a SCALE-Sim config file.
func ReadConfig(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data, path)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scalesim: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("scalesim: reading %s: %w", path, err)
	}
	return data, nil
}

// Marshal writes the config in SCALE-Sim's format; ParseConfig and
// SCALE-Sim both read it back unchanged. It writes [network_presets] only
// when TopologyPath is set: SCALE-Sim v2's read_conf_file looks
// TopologyCsvLoc up in [architecture_presets] and fails when the section
// exists, so configs meant for SCALE-Sim leave it empty and pass the
// topology with -t.
func (c *Config) Marshal() []byte {
	var b bytes.Buffer
	a := c.Array
	mode := "CALC"
	if c.UserBandwidth {
		mode = "USER"
	}
	bw := make([]string, len(c.Bandwidths))
	for i, v := range c.Bandwidths {
		bw[i] = strconv.Itoa(v)
	}
	if len(bw) == 0 {
		bw = []string{"10"}
	}
	fmt.Fprintf(&b, "[general]\nrun_name = %s\n\n", c.RunName)
	fmt.Fprintf(&b, "[architecture_presets]\nArrayHeight:    %d\nArrayWidth:     %d\n", a.Rows, a.Cols)
	fmt.Fprintf(&b, "IfmapSramSzkB:  %d\nFilterSramSzkB: %d\nOfmapSramSzkB:  %d\n", a.IfmapSRAMKB, a.FilterSRAMKB, a.OfmapSRAMKB)
	fmt.Fprintf(&b, "IfmapOffset:    %d\nFilterOffset:   %d\nOfmapOffset:    %d\n", c.IfmapOffset, c.FilterOffset, c.OfmapOffset)
	fmt.Fprintf(&b, "Bandwidth : %s\nDataflow : %s\nMemoryBanks: 1\n\n", strings.Join(bw, ","), a.Dataflow)
	fmt.Fprintf(&b, "[run_presets]\nInterfaceBandwidth: %s\n", mode)
	if c.TopologyPath != "" {
		fmt.Fprintf(&b, "\n[network_presets]\nTopologyCsvLoc: \"%s\"\n", c.TopologyPath)
	}
	return b.Bytes()
}

// Layer is one layer SCALE-Sim runs from a topology file, with the
// line it came from.
type Layer struct {
	Line int
	Conv systolic.Conv
}

// columns names the topology columns, in order, for errors.
var columns = []string{"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
	"Channels", "Num Filter", "Strides", "Stride width"}

// ParseTopology reads a SCALE-Sim convolution topology the way
// topology_utils.load_arrays_conv does: the first line is a header and is
// skipped, as are blank lines; every other line is split on commas and its
// last field dropped (the field after the trailing comma, where SCALE-Sim's
// files keep comments such as "#dw"); then come the layer name and seven
// integers (IFMAP height and width, filter height and width, channels,
// filters, stride) or eight (row and column stride). Further integer
// columns are ignored. A layer whose name contains "DP" is depthwise in
// SCALE-Sim: it runs Channels single-channel copies named <name>Channel_<i>.
// Output sizes follow SCALE-Sim: ceil((H−R+stride)/stride).
func ParseTopology(data []byte, file string) ([]Layer, error) {
	var layers []Layer
	runs := 0
	err := rows(data, file, func(line int, elems []string) error {
		if len(elems) < 8 {
			return &Error{file, line, "", fmt.Sprintf("%d fields before the last comma, want 8 or 9 (%s, then a trailing comma); is the trailing comma missing?",
				len(elems), strings.Join(columns[:8], ", "))}
		}
		name := strings.TrimSpace(elems[0])
		var v [8]int
		for k := 1; k < len(elems); k++ {
			col := "column " + strconv.Itoa(k+1)
			if k < len(columns) {
				col = columns[k]
			}
			n, err := parseInt(file, line, col, elems[k])
			if err != nil {
				return err
			}
			if k <= 8 {
				v[k-1] = n
			}
		}
		if len(elems) == 8 {
			v[7] = v[6]
		}
		if v[2] > v[0] || v[3] > v[1] {
			return &Error{file, line, "Filter Height", fmt.Sprintf("filter %d×%d is larger than the IFMAP %d×%d", v[2], v[3], v[0], v[1])}
		}
		copies, c := 1, v[4]
		depthwise := strings.Contains(name, "DP")
		if depthwise {
			copies, c = v[4], 1
		}
		if runs += copies; runs > maxLayers {
			return &Error{file, line, "Channels", fmt.Sprintf("the topology runs more than %d layers", maxLayers)}
		}
		conv := systolic.ScaleSimConv(name, v[0], v[1], v[2], v[3], c, v[5], v[6], v[7])
		if err := conv.Validate(); err != nil {
			return &Error{file, line, "", err.Error()}
		}
		for k := range copies {
			if depthwise {
				conv.Name = name + "Channel_" + strconv.Itoa(k)
			}
			layers = append(layers, Layer{line, conv})
		}
		return nil
	})
	return layers, err
}

// rows calls row for each line SCALE-Sim's topology readers use —
// every line but the first that is not blank — split on commas without
// the field after the last comma, as they split it. It reports a file
// that is too large, or has no such line.
func rows(data []byte, file string, row func(line int, elems []string) error) error {
	if len(data) > maxFile {
		return &Error{file, 0, "", fmt.Sprintf("%d bytes is larger than the %d accepted", len(data), maxFile)}
	}
	rows := 0
	for i, raw := range strings.Split(string(data), "\n") {
		r := strings.TrimSpace(raw)
		if i == 0 || r == "" {
			continue
		}
		elems := strings.Split(r, ",")
		if err := row(i+1, elems[:len(elems)-1]); err != nil {
			return err
		}
		rows++
	}
	if rows == 0 {
		return &Error{file, 0, "", "no layers after the header line"}
	}
	return nil
}

// parseInt reads a topology field: an integer in [1, systolic.MaxDim].
func parseInt(file string, line int, col, field string) (int, error) {
	f := strings.TrimSpace(field)
	n, err := strconv.Atoi(f)
	if err != nil || n < 1 || n > systolic.MaxDim {
		return 0, &Error{file, line, col, fmt.Sprintf("%q is not an integer in [1, %d]", f, systolic.MaxDim)}
	}
	return n, nil
}

// maxLayers bounds the layers a topology may expand to (depthwise
// rows run one layer per channel).
const maxLayers = 1 << 16

// ReadTopology reads a SCALE-Sim topology file.
func ReadTopology(path string) ([]Layer, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTopology(data, path)
}

// MarshalTopology writes a network as a SCALE-Sim topology whose
// layers SCALE-Sim runs exactly as EvaluateLayer does:
//   - the input is the padded input, cut to (P−1)·stride + R rows (and the
//     same for columns) so SCALE-Sim's ceil rule gives our output size (the
//     rows cut are never read by any window);
//   - a depthwise layer (one input channel per group) is written as a "DP"
//     row with Channels = groups and Num Filter = filters per group, which
//     SCALE-Sim runs as one convolution per channel;
//   - any other grouped layer is written as one row per group ("_g<i>");
//   - N images are written as N copies ("_n<i>");
//   - commas in names become '_', and "DP" in the name of a layer that is
//     not depthwise becomes "Dp", so SCALE-Sim does not expand it.
func MarshalTopology(layers []accel.Layer) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Stride height, Stride width,\n")
	for _, l := range layers {
		c, _, err := systolic.ConvOf(l)
		if err != nil {
			return nil, err
		}
		h, w := (c.P-1)*c.StrideH+c.R, (c.Q-1)*c.StrideW+c.S
		name := strings.ReplaceAll(strings.TrimSpace(l.Name), ",", "_")
		if name == "" {
			name = "layer"
		}
		depthwise := l.G() > 1 && c.C == 1
		if !depthwise {
			name = strings.ReplaceAll(name, "DP", "Dp")
		}
		for n := range accel.OrOne(l.N) {
			nm := name
			if accel.OrOne(l.N) > 1 {
				nm += "_n" + strconv.Itoa(n)
			}
			switch {
			case depthwise:
				if !strings.Contains(nm, "DP") {
					nm += "_DP"
				}
				fmt.Fprintf(&b, "%s, %d, %d, %d, %d, %d, %d, %d, %d,\n", nm, h, w, c.R, c.S, l.G(), c.M, c.StrideH, c.StrideW)
			default:
				for g := range l.G() {
					gn := nm
					if l.G() > 1 {
						gn += "_g" + strconv.Itoa(g)
					}
					fmt.Fprintf(&b, "%s, %d, %d, %d, %d, %d, %d, %d, %d,\n", gn, h, w, c.R, c.S, c.C, c.M, c.StrideH, c.StrideW)
				}
			}
		}
	}
	return b.Bytes(), nil
}

// ParseGEMMTopology reads SCALE-Sim's GEMM topology format (its
// "-i gemm" input: a header line, then "name, M, N, K," rows) the way
// topology_utils.load_arrays_gemm does: an M×K by K×N product runs as a
// convolution of an M×K input with N filters of 1×K.
func ParseGEMMTopology(data []byte, file string) ([]Layer, error) {
	var layers []Layer
	err := rows(data, file, func(line int, elems []string) error {
		if len(elems) < 4 {
			return &Error{file, line, "", fmt.Sprintf("%d fields before the last comma, want 4 (Layer Name, M, N, K, then a trailing comma)", len(elems))}
		}
		var mnk [3]int
		for k, col := range []string{"M", "N", "K"} {
			n, err := parseInt(file, line, col, elems[k+1])
			if err != nil {
				return err
			}
			mnk[k] = n
		}
		conv := systolic.ScaleSimConv(strings.TrimSpace(elems[0]), mnk[0], mnk[2], 1, mnk[2], 1, mnk[1], 1, 1)
		if err := conv.Validate(); err != nil {
			return &Error{file, line, "", err.Error()}
		}
		layers = append(layers, Layer{line, conv})
		return nil
	})
	return layers, err
}
