package tlyaml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// aliasBomb is a billion-laughs file: nine levels of ten aliases each.
var aliasBomb = func() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("problem: *a8\n")
	return b.String()
}()

// Bad inputs get errors naming the file, line and field.
func TestTimeloopReadErrors(t *testing.T) {
	prob := string(readFile(t, filepath.Join("..", "testdata", "tutorial", "02-model-conv1d+oc-2level", "prob", "conv1d+oc.prob.yaml")))
	arch := string(readFile(t, filepath.Join("..", "testdata", "tutorial", "04-model-conv1d+oc-3levelspatial", "arch", "3levelspatial.arch.yaml")))
	cases := []struct {
		name, kind, src string
		want            []string
	}{
		{"tab indent", "prob", "problem:\n\tshape:\n", []string{"f:2", "a tab in the indentation"}},
		{"zero bound", "prob", strings.Replace(prob, "K: 32", "K: 0", 1), []string{"f:21", "problem.instance.K", "out of range"}},
		{"float bound", "prob", strings.Replace(prob, "K: 32", "K: 3.5", 1), []string{"f:21", "not an integer"}},
		{"unknown dim", "prob", strings.Replace(prob, "- [ [K] ]\n      - [ [R] ]", "- [ [X] ]\n      - [ [R] ]", 1), []string{"f:9", `"X" is not a dimension`}},
		{"missing bound", "prob", strings.Replace(prob, "    P: 16\n", "", 1), []string{"no bound for dimension P"}},
		{"unterminated flow", "prob", strings.Replace(prob, "[ K, R, P ]", "[ K, R, P", 1), []string{"f:4", "did not find expected ',' or ']'"}},
		{"duplicate key", "prob", strings.Replace(prob, "    K: 32\n", "    K: 32\n    K: 4\n", 1), []string{"appears twice"}},
		{"unknown alias", "prob", "problem: *a\n", []string{"f:", "unknown anchor 'a'"}},
		{"alias bomb", "prob", aliasBomb, []string{"more than 262144 nodes"}},
		{"template", "prob", "{{ layer.C }}\nproblem: {}\n", []string{"f:1", "not supported"}},
		{"include without files", "prob", "{{include_text('base.yaml')}}\nproblem: {}\n", []string{"f:1", "includes are read only from files"}},
		{"no problem", "prob", "architecture: {}\n", []string{"no problem: section (top-level keys: architecture)"}},
		{"mesh not a number", "arch", strings.Replace(arch, "meshX: 16", "meshX: many", 1), []string{"f:27", "spatial.meshX"}},
		{"negative depth", "arch", strings.Replace(arch, "depth: 32768", "depth: -1", 1), []string{"attributes.depth", "out of range"}},
		{"bad tag", "arch", strings.Replace(arch, "!Container\n    name: PE", "!Box\n    name: PE", 1), []string{"!Box"}},
		{"no compute", "arch", arch[:strings.Index(arch, "  - !Component\n    name: MACC")], []string{"no compute component"}},
		{"huge width", "arch", strings.Replace(arch, "width: 256", "width: 99999999", 1), []string{"attributes.width", "out of range"}},
		{"empty", "arch", "", []string{"empty file"}},
	}
	for _, c := range cases {
		var err error
		switch c.kind {
		case "prob":
			_, err = ReadProblem("f", []byte(c.src))
		case "arch":
			_, err = ReadArch("f", []byte(c.src))
		}
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
}
