package protocol

// ExportRequest asks for a found design and network in Timeloop's or
// SCALE-Sim's formats, as `dian export` writes them.
type ExportRequest struct {
	Type    string `msgpack:"type"` // "export"
	ID      int64  `msgpack:"id"`
	Format  string `msgpack:"format"`  // timeloop or scalesim
	Design  string `msgpack:"design"`  // the result's accelerator (design JSON)
	Network string `msgpack:"network"` // the result's network (network JSON)
	// Cycles are the result's per-layer cycles (its layers' order), which
	// the Timeloop export writes beside the loop-nest model's; may be empty.
	Cycles []float64 `msgpack:"cycles,omitempty"`
}

// ExportReply carries the exported files as one zip archive.
type ExportReply struct {
	Type  string `msgpack:"type"` // "export"
	ID    int64  `msgpack:"id"`
	Name  string `msgpack:"name"`  // a file name for the archive, e.g. dian-timeloop.zip
	Zip   []byte `msgpack:"zip"`   // the files, and README.csv with one row per layer
	Table string `msgpack:"table"` // that CSV
}

// CostRequest asks the worker to cost a network read from an ONNX model
// on a platform: its best accelerator and every layer's cost.
type CostRequest struct {
	Type     string `msgpack:"type"` // "cost"
	ID       int64  `msgpack:"id"`
	Name     string `msgpack:"name"`     // the file's name, for messages
	Model    []byte `msgpack:"model"`    // the .onnx file
	Platform string `msgpack:"platform"` // a preset, e.g. "eyeriss"
}

// CostReply is the costed network: a result as a search's (JSON, without
// a search or an accuracy) and the network as a layer list.
type CostReply struct {
	Type    string `msgpack:"type"` // "cost"
	ID      int64  `msgpack:"id"`
	JSON    string `msgpack:"json"`
	Network string `msgpack:"network"`
	Layers  int    `msgpack:"layers"`
	MACs    int64  `msgpack:"macs"`
}
