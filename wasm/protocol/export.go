package protocol

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
