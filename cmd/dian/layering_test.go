//go:build !js

package main

import (
	"encoding/json"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

// layers says which of the module's packages each package may import
// (patterns end in /... for a subtree). The rules of docs/ARCHITECTURE.md:
// core imports nothing above it; inside core, the accelerator vocabulary
// imports nothing of ours, each model and format only what it builds on,
// and the results vocabulary only the accelerator's; viz and the page
// never import the trainer.
var layers = map[string][]string{
	"core/detmath":               nil,
	"core/tensor":                nil,
	"core/nn":                    {"core/tensor", "core/detmath"},
	"core/data":                  nil,
	"core/snapshot":              nil,
	"core/stats":                 nil,
	"core/wire":                  nil,
	"core/accel":                 nil,
	"core/accel/loopnest":        {"core/accel", "core/detmath"},
	"core/accel/fpga":            {"core/accel"},
	"core/accel/dna":             {"core/accel"},
	"core/accel/systolic":        {"core/accel"},
	"core/accel/timeloop":        {"core/accel", "core/accel/loopnest"},
	"core/accel/timeloop/tlyaml": {"core/accel/loopnest"},
	"core/accel/onnx":            {"core/accel"},
	"core/accel/scalesim":        {"core/accel", "core/accel/systolic"},
	"core/accel/costmodel":       {"core/accel", "core/accel/fpga", "core/accel/dna", "core/accel/systolic"},
	"core/accel/acceltest":       {"core/accel"},
	"core/report":                {"core/accel", "core/wire"},
	"core/share":                 {"core/accel", "core/report"},
	"core/supernet":              {"core/accel", "core/accel/onnx", "core/nn", "core/tensor", "core/detmath"},
	"core/search":                {"core/..."},
	"core/sweep":                 {"core/..."},
	"viz":                        {"core/accel/...", "core/report"},
	"viz/scene":                  {"viz", "core/accel/...", "core/report"},
	"wasm":                       nil,
	"wasm/protocol":              {"core/report", "core/wire"},
	"wasm/page":                  {"viz/...", "wasm/protocol", "core/accel/...", "core/report", "core/wire"},
	"wasm/worker/service":        {"core/...", "wasm/protocol"},
	"wasm/worker":                {"wasm/protocol", "wasm/worker/service"},
	"server":                     nil,
	"cmd/dian":                   {"core/..."},
}

// trainer is what the page's binary must not link: the search, the
// trainer and its data, gonum, and the URL parser (the worker parses
// links; share's table of keys would cost the page its initialisation).
var trainer = []string{"core/share", "core/search", "core/supernet", "core/nn", "core/tensor", "core/data", "core/snapshot", "gonum.org/..."}

const module = "github.com/dian-explorer/dian/"

func matches(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

type listedPackage struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// goList runs go list -json over the module for one GOOS/GOARCH.
func goList(t *testing.T, goos, goarch string, args ...string) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestPackageLayering(t *testing.T) {
	seen := map[string]bool{}
	for _, env := range [][2]string{{"linux", "amd64"}, {"js", "wasm"}} {
		for _, p := range goList(t, env[0], env[1], "./...") {
			pkg := strings.TrimPrefix(p.ImportPath, module)
			seen[pkg] = true
			may, ok := layers[pkg]
			if !ok {
				t.Errorf("package %s has no row in the layering table", pkg)
				continue
			}
			for _, imp := range p.Imports {
				dep, ours := strings.CutPrefix(imp, module)
				if !ours {
					continue
				}
				if !slices.ContainsFunc(may, func(pat string) bool { return matches(pat, dep) }) {
					t.Errorf("%s imports %s; it may import only %v", pkg, dep, may)
				}
			}
		}
	}
	for pkg := range layers {
		if !seen[pkg] {
			t.Errorf("the layering table names %s, which is no package", pkg)
		}
	}
}

func TestPageLinksNoTrainer(t *testing.T) {
	p := goList(t, "js", "wasm", "-deps=false", "./wasm/page")
	if len(p) != 1 {
		t.Fatalf("go list ./wasm/page: %d packages", len(p))
	}
	for _, dep := range p[0].Deps {
		dep = strings.TrimPrefix(dep, module)
		for _, bad := range trainer {
			if matches(bad, dep) || matches(bad, path.Dir(dep)) {
				t.Errorf("the page links %s", dep)
			}
		}
	}
}

// Neither of the browser's binaries links a YAML parser: reading Timeloop's
// YAML is for the command line and the tests (package tlyaml).
func TestBrowserBinariesLinkNoYAML(t *testing.T) {
	for _, bin := range []string{"./wasm/page", "./wasm/worker"} {
		p := goList(t, "js", "wasm", "-deps=false", bin)
		if len(p) != 1 {
			t.Fatalf("go list %s: %d packages", bin, len(p))
		}
		for _, dep := range p[0].Deps {
			if strings.Contains(dep, "yaml") {
				t.Errorf("%s links %s", bin, dep)
			}
		}
	}
}
