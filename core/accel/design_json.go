package accel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// The JSON form of a design. Example (testdata/design_autonba_cifar.json is
// a full one):
//
//	{
//	  "name": "two-chunk",
//	  "platform": "zc706",
//	  "assign": "explicit",
//	  "pad": false,
//	  "chunks": [
//	    {
//	      "name": "std", "rows": 8, "cols": 8, "dataflow": "ws", "bits": 8,
//	      "buffers": {"rf_bytes": 0, "gb_bytes": 0, "dram_bytes": 0},
//	      "tiles": {"gb": {"P": 16, "Q": 16, "K": 8, "C": 8},
//	                "rf": {"P": 16, "Q": 16, "K": 8, "C": 8}},
//	      "unroll": {"K": 8, "C": 8},
//	      "order": {"gb": "NKCPQRS", "dram": "NKCPQRS"},
//	      "layers": ["b0.pw1", "b0.pw2"]
//	    }
//	  ]
//	}
//
// Tile and unroll objects take the dimension letters N, K, C, P, Q, R, S;
// an omitted tile entry means "as large as the next level" and an omitted
// unroll entry means 1. An order is the seven letters, outermost first.
type designJSON struct {
	Name     string          `json:"name"`
	Platform string          `json:"platform"`
	Assign   string          `json:"assign,omitempty"`
	Pad      bool            `json:"pad,omitempty"`
	Chunks   []subAccelJSON  `json:"chunks"`
	Comment  json.RawMessage `json:"comment,omitempty"` // free text, ignored
}

type subAccelJSON struct {
	Name     string      `json:"name"`
	Rows     int         `json:"rows"`
	Cols     int         `json:"cols"`
	Dataflow string      `json:"dataflow"`
	Bits     int         `json:"bits"`
	Scalable bool        `json:"scalable,omitempty"`
	Buffers  buffersJSON `json:"buffers"`
	Tiles    tilesJSON   `json:"tiles"`
	Unroll   extentsJSON `json:"unroll"`
	Order    ordersJSON  `json:"order"`
	Layers   []string    `json:"layers,omitempty"`
}

type buffersJSON struct {
	RF   int64 `json:"rf_bytes"`
	GB   int64 `json:"gb_bytes"`
	DRAM int64 `json:"dram_bytes"`
}

type tilesJSON struct {
	RF extentsJSON `json:"rf"`
	GB extentsJSON `json:"gb"`
}

type extentsJSON struct {
	N int `json:"N,omitempty"`
	K int `json:"K,omitempty"`
	C int `json:"C,omitempty"`
	P int `json:"P,omitempty"`
	Q int `json:"Q,omitempty"`
	R int `json:"R,omitempty"`
	S int `json:"S,omitempty"`
}

type ordersJSON struct {
	RF   string `json:"rf,omitempty"`
	GB   string `json:"gb,omitempty"`
	DRAM string `json:"dram,omitempty"`
}

func (e extentsJSON) extents() Extents { return Extents{e.N, e.K, e.C, e.P, e.Q, e.R, e.S} }

func toExtentsJSON(e Extents) extentsJSON {
	return extentsJSON{e[DimN], e[DimK], e[DimC], e[DimP], e[DimQ], e[DimR], e[DimS]}
}

func ParseLoopOrder(s string) (LoopOrder, error) {
	if s == "" {
		return LoopOrder{}, nil
	}
	var o LoopOrder
	if len(s) != int(NumDims) {
		return o, fmt.Errorf("%q is not the seven letters N, K, C, P, Q, R, S in some order", s)
	}
	for i := range s {
		d, err := ParseDim(s[i : i+1])
		if err != nil {
			return o, fmt.Errorf("%q is not the seven letters N, K, C, P, Q, R, S in some order", s)
		}
		o[i] = d
	}
	if !o.IsPermutation() {
		return o, fmt.Errorf("%q repeats a dimension; each of N, K, C, P, Q, R, S appears once", s)
	}
	return o, nil
}

func orderString(o LoopOrder) string {
	if o.IsZero() {
		return ""
	}
	return o.String()
}

// MarshalJSON encodes the design in the documented JSON form.
func (d *Design) MarshalJSON() ([]byte, error) {
	dj := designJSON{Name: d.Name, Platform: d.Platform, Assign: d.Assign, Pad: d.Pad}
	for i := range d.Chunks {
		c := &d.Chunks[i]
		if c.Dataflow >= numDataflows {
			return nil, fmt.Errorf("accel: chunk %q: invalid dataflow %d", c.Name, c.Dataflow)
		}
		dj.Chunks = append(dj.Chunks, subAccelJSON{
			Name: c.Name, Rows: c.Rows, Cols: c.Cols, Dataflow: c.Dataflow.String(), Bits: c.Bits, Scalable: c.Scalable,
			Buffers: buffersJSON{c.RFBytes, c.GBBytes, c.DRAMBytes},
			Tiles:   tilesJSON{RF: toExtentsJSON(c.Tiles[LevelRF]), GB: toExtentsJSON(c.Tiles[LevelGB])},
			Unroll:  toExtentsJSON(c.Unroll),
			Order:   ordersJSON{orderString(c.Order[LevelRF]), orderString(c.Order[LevelGB]), orderString(c.Order[LevelDRAM])},
			Layers:  c.Layers,
		})
	}
	return json.Marshal(dj)
}

// DecodeDesign decodes and validates a design from its JSON form. file names
// the input in errors, which also give the line and the field, e.g.
// "accel: d.json: line 7: chunks[0].rows: -1 is not accepted (...)".
// The design is validated against its platform preset, except for the
// budgets (IsBudget): an over-budget design decodes, and its evaluation
// reports it infeasible.
func DecodeDesign(data []byte, file string) (*Design, error) {
	var dj designJSON
	if err := decodeJSONStrict(data, &dj); err != nil {
		return nil, jsonFileError(file, data, err)
	}
	chunkLines := jsonElementLines(data, "chunks")
	lineOf := func(i int) int {
		if i < len(chunkLines) {
			return chunkLines[i]
		}
		return 1
	}
	p, err := Preset(dj.Platform)
	if err != nil {
		return nil, fmt.Errorf("accel: %s: field platform: %w", file, err)
	}
	d := &Design{Name: dj.Name, Platform: dj.Platform, Assign: dj.Assign, Pad: dj.Pad}
	for i, cj := range dj.Chunks {
		c := SubAccel{
			Name: cj.Name, Rows: cj.Rows, Cols: cj.Cols, Bits: cj.Bits, Scalable: cj.Scalable,
			RFBytes: cj.Buffers.RF, GBBytes: cj.Buffers.GB, DRAMBytes: cj.Buffers.DRAM,
			Unroll: cj.Unroll.extents(), Layers: cj.Layers,
		}
		c.Tiles[LevelRF] = cj.Tiles.RF.extents()
		c.Tiles[LevelGB] = cj.Tiles.GB.extents()
		if c.Dataflow, err = ParseDataflow(cj.Dataflow); err != nil {
			return nil, fmt.Errorf("accel: %s: line %d: chunks[%d].dataflow: %q is not one of ws, os, is, rs", file, lineOf(i), i, cj.Dataflow)
		}
		for lv, s := range []string{cj.Order.RF, cj.Order.GB, cj.Order.DRAM} {
			if c.Order[lv], err = ParseLoopOrder(s); err != nil {
				return nil, fmt.Errorf("accel: %s: line %d: chunks[%d].order.%s: %v", file, lineOf(i), i, MemLevel(lv), err)
			}
		}
		d.Chunks = append(d.Chunks, c)
	}
	if err := d.Validate(p); err != nil {
		// Point at the first broken chunk's line; list every violation.
		line := 1
		var msgs []string
		list := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			list = j.Unwrap()
		}
		for _, e := range list {
			var ce *ConstraintError
			if !errors.As(e, &ce) {
				msgs = append(msgs, e.Error())
				continue
			}
			if IsBudget(ce.Constraint) {
				continue
			}
			msgs = append(msgs, ce.Message())
			if len(msgs) == 1 {
				for i := range d.Chunks {
					if strings.HasPrefix(ce.Where, fmt.Sprintf("chunk %d ", i)) {
						line = lineOf(i)
					}
				}
			}
		}
		if len(msgs) > 0 {
			return nil, fmt.Errorf("accel: %s: line %d: invalid design: %s", file, line, strings.Join(msgs, "; "))
		}
	}
	return d, nil
}

// UnmarshalJSON decodes and validates a design in its JSON form, as
// DecodeDesign does, so a design inside a larger document (a search
// result) is checked like a design file.
func (d *Design) UnmarshalJSON(data []byte) error {
	v, err := DecodeDesign(data, "design")
	if err != nil {
		return err
	}
	*d = *v
	return nil
}

// ReadDesignFile reads and decodes a design file.
func ReadDesignFile(path string) (*Design, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("accel: %w", err)
	}
	return DecodeDesign(data, path)
}

// maxJSONBytes bounds the files we read; designs and networks are small.
const maxJSONBytes = 16 << 20

// decodeStrict decodes one JSON value, rejecting unknown fields and
// trailing data.
func decodeJSONStrict(data []byte, v any) error {
	if len(data) > maxJSONBytes {
		return fmt.Errorf("input is %d bytes; accepted up to %d", len(data), maxJSONBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty input; expected a JSON object")
		}
		return jsonOffsetError{err, dec.InputOffset()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return jsonOffsetError{errors.New("unexpected data after the JSON object"), dec.InputOffset()}
	}
	return nil
}

// jsonOffsetError carries the decoder's position for errors that have none.
type jsonOffsetError struct {
	err error
	off int64
}

func (e jsonOffsetError) Error() string { return e.err.Error() }
func (e jsonOffsetError) Unwrap() error { return e.err }

// jsonError rewrites an encoding/json error as "accel: FILE: line L: ...",
// naming the field and what it accepts where json knows them.
func jsonFileError(file string, data []byte, err error) error {
	off := int64(-1)
	var oe jsonOffsetError
	if errors.As(err, &oe) {
		off = oe.off
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("accel: %s: line %d: invalid JSON: %v", file, jsonLineAt(data, se.Offset), se)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("accel: %s: line %d: invalid JSON: unexpected end of input", file, jsonLineAt(data, int64(len(data))))
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Errorf("accel: %s: line %d: field %s: got %s, accepted %s", file, jsonLineAt(data, te.Offset), field, te.Value, jsonAcceptedFor(te.Type.Kind().String()))
	case off >= 0:
		return fmt.Errorf("accel: %s: line %d: %v", file, jsonLineAt(data, off), strings.TrimPrefix(err.Error(), "json: "))
	}
	return fmt.Errorf("accel: %s: %w", file, err)
}

func jsonAcceptedFor(kind string) string {
	switch kind {
	case "int", "int64":
		return "an integer (within the field's limits)"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return "a " + kind
}

// lineAt returns the 1-based line holding byte offset off.
func jsonLineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// elementLines returns the line on which each element of the top-level
// array field key starts, or nil when it cannot be found. It only runs on
// input that already decoded, so it need not report errors.
func jsonElementLines(data []byte, key string) []int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil
		}
		if k != key {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil
		}
		var lines []int
		for dec.More() {
			off := dec.InputOffset()
			for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
				off++
			}
			lines = append(lines, jsonLineAt(data, off))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return lines
			}
		}
		return lines
	}
	return nil
}
