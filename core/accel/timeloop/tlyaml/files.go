package tlyaml

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Files reads Timeloop's YAML files. Include, when set, reads the files
// that {{include_text('…')}} names (FromDisk reads them beside the
// including file); Notes collects, one line each with file and line, what
// the files hold that is read but, as in Timeloop, has no effect (instance
// keys that are neither a dimension nor a coefficient, mapping
// constraints, …).
type Files struct {
	Include Include
	Notes   []string
}

func (f *Files) reader(file string) yReader {
	return yReader{file: file, include: f.Include, notes: &f.Notes}
}

// FromDisk is an Include that reads name relative to the including file's
// folder, at most maxYAMLBytes of it.
func FromDisk(from, name string) (string, []byte, error) {
	path := name
	if !filepath.IsAbs(name) {
		path = filepath.Join(filepath.Dir(from), name)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return path, nil, err
	}
	if fi.Size() > maxYAMLBytes {
		return path, nil, fmt.Errorf("%s is %d bytes; accepted up to %d", path, fi.Size(), maxYAMLBytes)
	}
	b, err := os.ReadFile(path)
	return path, b, err
}

// ReadProblem reads a problem file without includes (see Files.Problem).
func ReadProblem(file string, src []byte) (*loopnest.Problem, error) {
	return (&Files{}).Problem(file, src)
}

// ReadArch reads an architecture file without includes (see Files.Arch).
func ReadArch(file string, src []byte) (*loopnest.Arch, error) {
	return (&Files{}).Arch(file, src)
}

// ReadMapYAML reads a mapping file without includes (see Files.Map).
func ReadMapYAML(file string, src []byte, p *loopnest.Problem, a *loopnest.Arch) (*loopnest.Mapping, error) {
	return (&Files{}).Map(file, src, p, a)
}
