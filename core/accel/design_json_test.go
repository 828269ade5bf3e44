package accel

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDesignJSONRoundTrip(t *testing.T) {
	for _, file := range []string{"design_autonba_cifar.json"} {
		d, err := DecodeDesign(readTestdata(t, file), file)
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		d2, err := DecodeDesign(b, "re-encoded")
		if err != nil {
			t.Fatalf("re-decoding %s: %v\n%s", file, err, b)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Errorf("%s: decode∘encode changed the design:\n%+v\n%+v", file, d, d2)
		}
	}
	net, err := DecodeNetwork(readTestdata(t, "net_cifar_tiny.json"), "n")
	if err != nil {
		t.Fatal(err)
	}
	b, err := net.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	net2, err := DecodeNetwork(b, "re-encoded")
	if err != nil || !reflect.DeepEqual(net, net2) {
		t.Errorf("network decode∘encode: err %v, equal %v", err, reflect.DeepEqual(net, net2))
	}
}

const goodChunk = `{"name": "c", "rows": 8, "cols": 8, "dataflow": "ws", "bits": 8,
 "tiles": {"gb": {"P": 16, "Q": 16, "K": 8, "C": 8}, "rf": {"P": 16, "Q": 16, "K": 8, "C": 8}},
 "unroll": {"K": 8, "C": 8}, "layers": ["l"]}`

var badDesigns = []badInput{
	{"not json", `{"name": "x",`, []string{"bad.json", "line 1", "invalid JSON"}},
	{"empty", ``, []string{"bad.json", "empty input"}},
	{"unknown field", "{\"name\": \"x\",\n \"platfrom\": \"zc706\"}", []string{"bad.json", "line 2", `unknown field "platfrom"`}},
	{"string for int", "{\"name\": \"x\", \"platform\": \"zc706\", \"chunks\": [\n{\"name\": \"c\", \"rows\": \"eight\"}]}", []string{"bad.json", "line 2", "chunks.rows", "string", "integer"}},
	{"float for int", `{"name": "x", "platform": "zc706", "chunks": [{"name": "c", "rows": 2.5}]}`, []string{"chunks.rows", "number 2.5", "integer"}},
	{"huge", `{"name": "x", "platform": "zc706", "chunks": [{"name": "c", "rows": 1e300}]}`, []string{"chunks.rows", "integer"}},
	{"unknown platform", `{"name": "x", "platform": "tpu", "chunks": []}`, []string{"field platform", `"tpu"`, "zc706"}},
	{"no chunks", `{"name": "x", "platform": "zc706", "chunks": []}`, []string{"bad.json", CstChunks}},
	{"bad dataflow", "{\"name\": \"x\", \"platform\": \"zc706\", \"chunks\": [\n\n" + strings.Replace(goodChunk, `"ws"`, `"xs"`, 1) + "]}", []string{"line 3", "chunks[0].dataflow", `"xs"`, "ws, os, is, rs"}},
	{"zero rows", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"rows": 8`, `"rows": 0`, 1) + `]}`, []string{CstPEArray, "rows=0", "[1, 4096]"}},
	{"negative tile", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"gb": {"P": 16`, `"gb": {"P": -16`, 1) + `]}`, []string{CstTile, "gb tile P=-16"}},
	{"unroll above tile", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"unroll": {"K": 8`, `"unroll": {"K": 16`, 1) + `]}`, []string{CstUnrollLeTile, "unroll K=16 > rf tile K=8"}},
	{"unroll too big for array", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"rows": 8`, `"rows": 4`, 1) + `]}`, []string{CstUnrollFits, "64 > 4×8"}},
	{"dataflow cannot unroll", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"ws"`, `"os"`, 1) + `]}`, []string{CstDataflowDims, "dataflow os"}},
	{"bad order", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"layers"`, `"order": {"gb": "NKCPQRR"}, "layers"`, 1) + `]}`, []string{"chunks[0].order.gb", "repeats"}},
	{"bits", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"bits": 8`, `"bits": 64`, 1) + `]}`, []string{CstBits, "1..32"}},
	{"not divisible", `{"name": "x", "platform": "zc706", "chunks": [` + strings.Replace(goodChunk, `"rf": {"P": 16`, `"rf": {"P": 12`, 1) + `]}`, []string{CstTilesDivide, "rf tile P=12 does not divide gb tile 16"}},
	{"trailing data", `{"name": "x", "platform": "zc706", "chunks": []} {}`, []string{"after the JSON object"}},
}

// badInput is a malformed file and the pieces its error must contain
// (file, line, field or constraint, what is accepted).
type badInput struct {
	name, in string
	want     []string
}

func checkDecodeErrors(t *testing.T, fn string, decode func([]byte) error, cases []badInput) {
	t.Helper()
	for _, tt := range cases {
		err := decode([]byte(tt.in))
		if err == nil {
			t.Errorf("%s: %s = nil error, want one containing %q", tt.name, fn, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %s error %q does not contain %q", tt.name, fn, err, w)
			}
		}
	}
}

func TestDecodeDesignErrors(t *testing.T) {
	checkDecodeErrors(t, "DecodeDesign", func(b []byte) error { _, err := DecodeDesign(b, "bad.json"); return err }, badDesigns)
}

func TestDecodeDesignPaddingAllowed(t *testing.T) {
	in := `{"name": "x", "platform": "zc706", "pad": true, "chunks": [` + strings.Replace(goodChunk, `"rf": {"P": 16`, `"rf": {"P": 12`, 1) + `]}`
	if _, err := DecodeDesign([]byte(in), "pad.json"); err != nil {
		t.Errorf("with pad true, a non-dividing tile is accepted; got %v", err)
	}
}

const goodLayer = `{"name": "l", "in_c": 16, "k": 96, "h": 32, "w": 32, "r": 1, "s": 1, "bits": 8}`

var badNetworks = []badInput{
	{"not json", `[`, []string{"net.json", "line 1", "invalid JSON"}},
	{"no layers", `{"name": "n", "layers": []}`, []string{"net.json", "field layers", "at least one"}},
	{"unknown field", "{\"name\": \"n\", \"layers\": [\n{\"name\": \"l\", \"kernel\": 3}]}", []string{"line 2", `unknown field "kernel"`}},
	{"string size", "{\"name\": \"n\", \"layers\": [\n" + strings.Replace(goodLayer, `"h": 32`, `"h": "32"`, 1) + "]}", []string{"line 2", "layers.h", "string", "integer"}},
	{"zero k", "{\"name\": \"n\", \"layers\": [\n" + goodLayer + ",\n\n" + strings.Replace(goodLayer, `"k": 96`, `"k": 0`, 1) + "]}", []string{"net.json", "line 4", "layers[1]", "field k", "0 is not accepted", "[1, 1048576]"}},
	{"negative stride", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"r": 1`, `"stride": -2, "r": 1`, 1) + `]}`, []string{"field stride", "-2"}},
	{"zero stride", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"r": 1`, `"stride": 0, "r": 1`, 1) + `]}`, []string{"field stride", "0 is not accepted", "leave it out for 1"}},
	{"huge", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"h": 32`, `"h": 100000000`, 1) + `]}`, []string{"field h", "100000000", "[1, 65536]"}},
	{"too many macs", `{"name": "n", "layers": [{"name": "l", "n": 65536, "in_c": 1048576, "k": 1048576, "h": 65536, "w": 65536, "r": 1, "s": 1}]}`, []string{"MACs exceed"}},
	{"bad role", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"bits": 8`, `"role": "neck"`, 1) + `]}`, []string{"field role", `"neck"`, "body, stem"}},
	{"groups do not divide", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"bits": 8`, `"groups": 5`, 1) + `]}`, []string{"groups=5 must divide"}},
	{"kernel too big", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"r": 1`, `"r": 40`, 1) + `]}`, []string{"kernel 40×1 larger"}},
	{"duplicate name", `{"name": "n", "layers": [` + goodLayer + `,` + goodLayer + `]}`, []string{"layers[1]", `"l" already used`}},
	{"missing name", `{"name": "n", "layers": [` + strings.Replace(goodLayer, `"name": "l"`, `"name": ""`, 1) + `]}`, []string{"field name"}},
}

func TestDecodeNetworkErrors(t *testing.T) {
	checkDecodeErrors(t, "DecodeNetwork", func(b []byte) error { _, err := DecodeNetwork(b, "net.json"); return err }, badNetworks)
}
