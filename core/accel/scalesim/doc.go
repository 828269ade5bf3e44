// Package scalesim reads and writes SCALE-Sim v2's input formats the way
// SCALE-Sim reads them (scalesim/scale_config.py with Python's
// configparser, and scalesim/topology_utils.py), and writes them so
// SCALE-Sim reads them back: the .cfg configuration (Config), the
// convolution and GEMM topology CSVs (ParseTopology, ParseGEMMTopology,
// MarshalTopology), and Export, which writes a design's chunks and layers
// as SCALE-Sim inputs. The model itself is package systolic.
package scalesim
